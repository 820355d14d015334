namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// The evaluation document the API (<c>GET /api/models/{name}/evaluation</c>) and the CLI (<c>shipyard evaluate</c>)
/// write: per version the arms it served, its predictions and how many have outcomes, the realised metrics with 95%
/// intervals and (classifiers) the metrics estimated from the probabilities alone; and the canary against production.
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>The model evaluated.</summary>
    public required string Model { get; init; }

    /// <summary>The span of prediction times evaluated.</summary>
    public required EvaluationWindow Window { get; init; }

    /// <summary>Per version (by its number).</summary>
    public required IReadOnlyDictionary<string, VersionEvaluation> Versions { get; init; }

    /// <summary>The canary against production, when both served in the window.</summary>
    public VersionComparison? Comparison { get; init; }

    /// <summary>Outcomes received for predictions made in the window that the prediction log does not hold (not sampled,
    /// over the log's rate cap, or lost): they cannot be evaluated.</summary>
    public long UnmatchedOutcomes { get; init; }
}

/// <summary>From and to (UTC) of the predictions evaluated.</summary>
public sealed record EvaluationWindow(DateTimeOffset From, DateTimeOffset To);

/// <summary>One version's evaluation.</summary>
public sealed record VersionEvaluation
{
    /// <summary>The arms its predictions came from: production, canary, shadow.</summary>
    public required IReadOnlyList<string> Arms { get; init; }

    /// <summary>Predictions in the window.</summary>
    public required long Count { get; init; }

    /// <summary>Of those, the ones with an outcome.</summary>
    public required long WithOutcome { get; init; }

    /// <summary>Realised metrics by name (accuracy, logLoss, rocAuc, macroF1, expectedCalibrationError | mae, rmse, r2); a
    /// metric that cannot be computed (no outcome, no probabilities, one class only) is null.</summary>
    public required IReadOnlyDictionary<string, double?> Metrics { get; init; }

    /// <summary>95% intervals of the metrics that have one.</summary>
    public required IReadOnlyDictionary<string, double[]> Intervals { get; init; }

    /// <summary>Classifiers: accuracy and rocAuc estimated from the probabilities of every prediction (no outcome needed).</summary>
    public IReadOnlyDictionary<string, double?>? Estimated { get; init; }

    /// <summary>Classifiers with probabilities: the calibration curve of the predictions with outcomes.</summary>
    public IReadOnlyList<CalibrationBin>? Calibration { get; init; }

    /// <summary>The main metric (accuracy, or MAE for regressors) per hour (windows up to 2 days) or day, with its 95% interval.</summary>
    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];
}

/// <summary>One bucket of a version's timeline.</summary>
/// <param name="From">Start of the bucket (UTC).</param>
/// <param name="Count">Predictions made in it.</param>
/// <param name="WithOutcome">Of those, the ones with an outcome.</param>
/// <param name="Metric">accuracy or mae.</param>
/// <param name="Value">The metric over the bucket's outcomes; null without any.</param>
/// <param name="Ci95">Its 95% interval (Wilson for accuracy, normal for MAE); null without outcomes.</param>
public sealed record TimelinePoint(DateTimeOffset From, long Count, long WithOutcome, string Metric, double? Value, double[]? Ci95);
