namespace Shipyard.Monitoring.Statistics;

/// <summary>Pearson chi-square statistic, its p-value, and the degrees of freedom used.</summary>
public readonly record struct ChiSquareTest(double Statistic, double PValue, int DegreesOfFreedom);
