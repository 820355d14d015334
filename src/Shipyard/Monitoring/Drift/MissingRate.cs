namespace Shipyard.Monitoring.Drift;

/// <summary>Share of missing cells (empty or NaN) in the reference and in the current data.</summary>
public readonly record struct MissingRate(double Reference, double Current);
