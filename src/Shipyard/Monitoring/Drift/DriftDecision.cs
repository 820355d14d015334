namespace Shipyard.Monitoring.Drift;

/// <summary>
/// Which test decided a feature's drift flag, its score and threshold. For p-value tests ("ks", "chi-square")
/// drift means score &lt; threshold; for distances ("wasserstein-normed", "jensen-shannon") score &gt; threshold.
/// </summary>
/// <param name="Method">"ks", "chi-square", "wasserstein-normed" or "jensen-shannon"; "none" when not computable.</param>
/// <param name="Score">The p-value or distance compared with the threshold (NaN when not computable).</param>
/// <param name="Threshold">0.05 for p-values, 0.1 for distances.</param>
public readonly record struct DriftDecision(string Method, double Score, double Threshold)
{
    /// <summary>True when the score is a p-value (smaller means more drift).</summary>
    public bool IsPValue => Method is "ks" or "chi-square";
}
