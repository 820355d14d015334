using Shipyard.Monitoring.Drift;

namespace Shipyard.Monitoring.Reports;

/// <summary>
/// A drift check of one model version over a time window (drift-reports/{model}/{version}/{timestamp}.json;
/// rendered by <see cref="DriftReportHtml"/>). Features are sorted: drifted first, then by
/// <see cref="FeatureReport.DriftScore"/> descending.
/// </summary>
public sealed record DriftReport
{
    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Model version.</summary>
    public required string Version { get; init; }

    /// <summary>When the report was made (UTC).</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Start of the window (inclusive).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary><see cref="DriftStatus"/>: drift, no-drift or insufficient-data.</summary>
    public required string Status { get; init; }

    /// <summary>Prediction records in the window.</summary>
    public required long Rows { get; init; }

    /// <summary>Rows needed for statistics.</summary>
    public required long MinimumRows { get; init; }

    /// <summary>Records skipped because they could not be read (malformed lines).</summary>
    public long SkippedRecords { get; init; }

    /// <summary>Dataset verdict (share of drifted features).</summary>
    public DatasetDrift? DatasetDrift { get; init; }

    /// <summary>Names of the drifted features, most drifted first (at most 10).</summary>
    public IReadOnlyList<string> TopDriftedFeatures { get; init; } = [];

    /// <summary>Features, drifted first, then by drift score.</summary>
    public IReadOnlyList<FeatureReport> Features { get; init; } = [];

    /// <summary>Drift of the predicted labels or values against the training predictions, when the baseline has them.</summary>
    public FeatureReport? Prediction { get; init; }
}
