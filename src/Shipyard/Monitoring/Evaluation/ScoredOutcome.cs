namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// One logged prediction, joined with its outcome when one arrived: which version and arm (production, canary, shadow)
/// made it, what it predicted (a label with its probabilities, or a value) and the actual label or value (null while
/// no outcome is known). Predictions without an outcome still count, and feed the estimated metrics.
/// </summary>
public sealed record ScoredOutcome(string Version, string Arm, string? Label, IReadOnlyDictionary<string, double>? Probabilities, double? Value, string? ActualLabel, double? ActualValue)
{
    /// <summary>When the prediction was made (the report's timeline buckets by it).</summary>
    public DateTimeOffset Time { get; init; }
}
