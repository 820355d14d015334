namespace Shipyard.Monitoring;

/// <summary>Settings of <see cref="DriftMonitor"/>.</summary>
public sealed record DriftMonitorOptions
{
    /// <summary>Length of the window of prediction logs checked (setting <c>DRIFT_WINDOW</c>; default 24 hours).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Fewer records than this in the window give an insufficient-data report and no alert (default 50).</summary>
    public long MinimumRows { get; init; } = 50;

    /// <summary>Container of the prediction logs (DESIGN.md §3).</summary>
    public string LogContainer { get; init; } = "prediction-logs";

    /// <summary>Container the reports are written to.</summary>
    public string ReportContainer { get; init; } = "drift-reports";

    /// <summary>
    /// Send a retraining request when any feature drifts, not only when the dataset drifts (default false:
    /// only dataset drift, DESIGN.md §3's share ≥ 0.5, triggers a request).
    /// </summary>
    public bool RetrainOnAnyFeatureDrift { get; init; }
}
