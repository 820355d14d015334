using Shipyard.Monitoring.Reports;

namespace Shipyard.Monitoring;

/// <summary>What a drift check produced: the report, where it was written, and whether a retrain request went out.</summary>
public sealed record DriftCheckResult(DriftReport Report, string JsonBlobName, string HtmlBlobName, bool RetrainRequested);
