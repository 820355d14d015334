namespace Shipyard.Scoring.Internals;

/// <summary>Rows [start, start + rows) of a validated <see cref="FeatureBatch"/> as graph input.</summary>
internal readonly struct FeatureBatchInput(FeatureBatch batch, ManifestPlan plan, int start, int rows) : IScoringInput
{
    public int Rows => rows;

    public void PackFloat(int input, Span<float> destination) => batch.PackFloat(plan.InputFeatures[input], start, rows, destination);

    public void PackDouble(int input, Span<double> destination) => batch.PackDouble(plan.InputFeatures[input], start, rows, destination);

    public void PackInt64(int input, Span<long> destination) => batch.PackInt64(plan.InputFeatures[input], start, rows, destination);

    public void PackInt32(int input, Span<int> destination) => batch.PackInt32(plan.InputFeatures[input], start, rows, destination);

    public void PackString(int input, Span<string> destination) => batch.PackString(plan.InputFeatures[input], start, rows, destination);
}
