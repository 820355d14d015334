namespace Shipyard.Monitoring.Drift;

/// <summary>
/// Evidently's default per-feature drift rule (DESIGN.md §3, without Evidently's special cases for few unique
/// values): with at most <see cref="SmallReference"/> reference values, a test p-value below 0.05
/// (KS for numbers, chi-square for categories); with more, a distance above 0.1 (Wasserstein divided by the
/// reference standard deviation for numbers, Jensen–Shannon for categories). A dataset drifts when at least
/// <see cref="DatasetShare"/> of its features do.
/// </summary>
public static class DriftRule
{
    /// <summary>Reference sizes up to this use a p-value test.</summary>
    public const long SmallReference = 1000;

    /// <summary>p-value threshold.</summary>
    public const double PValueThreshold = 0.05;

    /// <summary>Distance threshold (normed Wasserstein, Jensen–Shannon).</summary>
    public const double DistanceThreshold = 0.1;

    /// <summary>Share of drifted features at which the dataset counts as drifted.</summary>
    public const double DatasetShare = 0.5;

    /// <summary>
    /// Floor for the reference standard deviation when norming the Wasserstein distance, as Evidently does
    /// (<c>max(np.std(reference), 0.001)</c>), so a constant reference does not divide by zero.
    /// </summary>
    public const double MinimumStandardDeviation = 0.001;

    /// <summary>Decision for a numeric feature.</summary>
    public static DriftDecision Numeric(long referenceCount, double ksPValue, double wasserstein, double referenceStd) =>
        referenceCount <= SmallReference
            ? new DriftDecision("ks", ksPValue, PValueThreshold)
            : new DriftDecision("wasserstein-normed", wasserstein / Math.Max(referenceStd, MinimumStandardDeviation), DistanceThreshold);

    /// <summary>Decision for a categorical feature.</summary>
    public static DriftDecision Categorical(long referenceCount, double chiSquarePValue, double jensenShannon) =>
        referenceCount <= SmallReference
            ? new DriftDecision("chi-square", chiSquarePValue, PValueThreshold)
            : new DriftDecision("jensen-shannon", jensenShannon, DistanceThreshold);

    /// <summary>True when the decision says drift (false when its score is NaN).</summary>
    public static bool IsDrifted(DriftDecision decision) =>
        decision.IsPValue ? decision.Score < decision.Threshold : decision.Score > decision.Threshold;
}
