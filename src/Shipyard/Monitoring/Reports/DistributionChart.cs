namespace Shipyard.Monitoring.Reports;

/// <summary>Reference and current proportions over the same bins or categories, for the report's charts.</summary>
/// <param name="Labels">Bin or category labels.</param>
/// <param name="Reference">Reference proportions (sum 1).</param>
/// <param name="Current">Current proportions (sum 1, or all 0 without current values).</param>
public sealed record DistributionChart(IReadOnlyList<string> Labels, IReadOnlyList<double> Reference, IReadOnlyList<double> Current);
