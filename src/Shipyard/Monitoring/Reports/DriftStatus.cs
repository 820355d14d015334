namespace Shipyard.Monitoring.Reports;

/// <summary>The verdict of a drift report.</summary>
public static class DriftStatus
{
    /// <summary>The dataset drifted (DESIGN.md §3 rule): a retraining request is sent.</summary>
    public const string Drift = "drift";

    /// <summary>Enough data, no dataset drift.</summary>
    public const string NoDrift = "no-drift";

    /// <summary>Fewer rows in the window than the minimum: no statistics, no alert.</summary>
    public const string InsufficientData = "insufficient-data";
}
