using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Drift;

/// <summary>
/// Drift statistics of one feature (DESIGN.md §3). Numeric features fill <see cref="Ks"/> and
/// <see cref="Wasserstein"/>; categorical ones <see cref="ChiSquare"/>; both fill PSI and Jensen–Shannon.
/// When the reference or the current data has no non-missing value the statistics are null and the feature
/// is not flagged (a missing-rate jump is a data-quality signal, not a distribution test).
/// </summary>
public sealed record FeatureDrift
{
    /// <summary>Column name.</summary>
    public required string Name { get; init; }

    /// <summary>Numeric or categorical.</summary>
    public required FeatureKind Kind { get; init; }

    /// <summary>Two-sample KS test (numeric).</summary>
    public KsTest? Ks { get; init; }

    /// <summary>Wasserstein-1 distance in data units (numeric).</summary>
    public double? Wasserstein { get; init; }

    /// <summary>Population Stability Index over the decile bins or the union of categories.</summary>
    public double? Psi { get; init; }

    /// <summary>Jensen–Shannon distance, base 2.</summary>
    public double? JensenShannon { get; init; }

    /// <summary>Chi-square test of the 2×k table (categorical).</summary>
    public ChiSquareTest? ChiSquare { get; init; }

    /// <summary>Missing shares in reference and current data.</summary>
    public required MissingRate MissingRate { get; init; }

    /// <summary>The feature-level verdict of <see cref="DriftRule"/>.</summary>
    public required bool Drifted { get; init; }

    /// <summary>Which test decided, with score and threshold.</summary>
    public required DriftDecision Decision { get; init; }

    /// <summary>Non-missing reference values (the full count, also when a baseline keeps only a sample).</summary>
    public required long ReferenceCount { get; init; }

    /// <summary>Non-missing current values.</summary>
    public required long CurrentCount { get; init; }
}
