namespace Shipyard.Monitoring.Evaluation;

/// <summary>Outcome feedback and evaluation settings (<c>Shipyard:Evaluation</c>; docs/evaluation.md).</summary>
public sealed class EvaluationOptions
{
    /// <summary>The window evaluated when none is asked for (<c>?window=</c>, <c>--window</c>). Default 7 days.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Outcomes each of canary and production needs before the comparison gives a verdict. Default 100.</summary>
    public long MinimumOutcomes { get; set; } = 100;

    /// <summary>How old a prediction may be for its outcome to be accepted; older ones are reported as expired. Default 90 days.</summary>
    public TimeSpan OutcomeMaxAge { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The scheduled check alerts (telemetry event <c>EvaluationBelowTraining</c>) when production's realised or
    /// estimated accuracy falls below its training accuracy by more than this, or its MAE rises above its training MAE by
    /// more than this fraction of it. Default 0.05.</summary>
    public double AlertMargin { get; set; } = 0.05;

    /// <summary>When true, the scheduled check removes a canary whose comparison verdict is "roll back". Off by default.</summary>
    public bool AutoRollback { get; set; }
}
