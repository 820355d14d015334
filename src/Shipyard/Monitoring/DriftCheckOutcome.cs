namespace Shipyard.Monitoring;

/// <summary>What the drift check did for one model version with traffic.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Model version.</param>
/// <param name="Status">Report status (<c>drift</c>, <c>no-drift</c>, <c>insufficient-data</c>), or <c>skipped</c> when no check ran.</param>
/// <param name="Report">Blob name of the JSON report in <c>drift-reports</c>, or null when skipped.</param>
/// <param name="Alerted">Whether the configured rule alerted (the <c>DriftDetected</c> event was sent and a retraining request attempted).</param>
/// <param name="RetrainRequested">Whether a retraining request reached the queue.</param>
/// <param name="TopDriftedFeatures">Drifted features, most drifted first.</param>
/// <param name="Reason">Why the version was skipped (no or invalid baseline.json), else null.</param>
public sealed record DriftCheckOutcome(
    string Model,
    string Version,
    string Status,
    string? Report,
    bool Alerted,
    bool RetrainRequested,
    IReadOnlyList<string> TopDriftedFeatures,
    string? Reason = null)
{
    /// <summary>The status of a version that was not checked.</summary>
    public const string Skipped = "skipped";
}
