using Shipyard.Monitoring.Reports;

namespace Shipyard.Monitoring;

/// <summary>
/// What a drift check produced: the report, where it was written, whether the alert rule fired (dataset drift, or any
/// drifted feature with <see cref="DriftMonitorOptions.RetrainOnAnyFeatureDrift"/>), and whether the retrain request
/// for it went out.
/// </summary>
public sealed record DriftCheckResult(DriftReport Report, string JsonBlobName, string HtmlBlobName, bool Alerted, bool RetrainRequested);
