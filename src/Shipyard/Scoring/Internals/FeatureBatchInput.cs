namespace Shipyard.Scoring.Internals;

/// <summary>A validated <see cref="FeatureBatch"/> as graph input.</summary>
internal readonly struct FeatureBatchInput(FeatureBatch batch, ManifestPlan plan) : IScoringInput
{
    public int Rows => batch.Count;

    public void PackFloat(int input, int start, int rows, Span<float> destination) => batch.PackFloat(plan.InputFeatures[input], start, rows, destination);

    public void PackDouble(int input, int start, int rows, Span<double> destination) => batch.PackDouble(plan.InputFeatures[input], start, rows, destination);

    public void PackInt64(int input, int start, int rows, Span<long> destination) => batch.PackInt64(plan.InputFeatures[input], start, rows, destination);

    public void PackInt32(int input, int start, int rows, Span<int> destination) => batch.PackInt32(plan.InputFeatures[input], start, rows, destination);

    public void PackString(int input, int start, int rows, Span<string> destination) => batch.PackString(plan.InputFeatures[input], start, rows, destination);
}
