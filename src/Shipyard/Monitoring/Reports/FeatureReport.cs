using Shipyard.Monitoring.Drift;

namespace Shipyard.Monitoring.Reports;

/// <summary>One feature's line in a <see cref="DriftReport"/>: the statistics, the verdict, data-quality signals, a chart.</summary>
public sealed record FeatureReport
{
    /// <summary>The drift statistics (DESIGN.md §3).</summary>
    public required FeatureDrift Drift { get; init; }

    /// <summary>
    /// The score features are sorted by: the Jensen–Shannon distance (defined for both kinds, bounded by [0, 1]);
    /// 0 when not computable.
    /// </summary>
    public double DriftScore => Drift.JensenShannon is { } js && double.IsFinite(js) ? js : 0.0;

    /// <summary>Share of current values below the training minimum or above the training maximum (numeric).</summary>
    public double? OutsideTrainingRange { get; init; }

    /// <summary>Current categories never seen in training (categorical; at most 20 listed).</summary>
    public IReadOnlyList<string>? UnseenCategories { get; init; }

    /// <summary>Share of current values in unseen categories (categorical).</summary>
    public double? UnseenCategoryShare { get; init; }

    /// <summary>Reference vs current distribution.</summary>
    public DistributionChart? Chart { get; init; }
}
