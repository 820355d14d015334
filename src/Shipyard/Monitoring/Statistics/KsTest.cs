namespace Shipyard.Monitoring.Statistics;

/// <summary>Result of a two-sample Kolmogorov–Smirnov test: the statistic D and its two-sided p-value.</summary>
public readonly record struct KsTest(double Statistic, double PValue);
