namespace Shipyard.Monitoring.Drift;

/// <summary>
/// The result of comparing a current dataset with a reference: per-feature statistics in column order and
/// the dataset verdict. Serialized by <see cref="DriftComparisonJson"/> in the shape of the scipy reference
/// cases (<c>../shared/drift-reference/*/expected.json</c>).
/// </summary>
public sealed record DriftComparison(IReadOnlyList<string> Categorical, IReadOnlyList<FeatureDrift> Features, DatasetDrift DatasetDrift);
