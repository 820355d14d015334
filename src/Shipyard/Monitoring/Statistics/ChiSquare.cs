using Shipyard.Monitoring.Internals;

namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// Pearson's chi-square test of homogeneity on a 2×k contingency table (reference counts, current counts),
/// as <c>scipy.stats.chi2_contingency(table, correction=False)</c>: expected Eᵢⱼ = rowᵢ·colⱼ/N,
/// X² = Σ (Oᵢⱼ − Eᵢⱼ)²/Eᵢⱼ, p = Q((k−1)/2, X²/2). With one category (k = 1, zero degrees of freedom)
/// scipy returns X² = 0, p = 1; so does this.
/// </summary>
public static class ChiSquare
{
    /// <summary>Tests whether two count vectors over the same k categories come from one distribution.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a count is negative, or a row or column sums to zero.</exception>
    public static ChiSquareTest Homogeneity(ReadOnlySpan<double> referenceCounts, ReadOnlySpan<double> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length || referenceCounts.IsEmpty)
        {
            throw new ArgumentException($"A 2×k table needs two equal, non-empty rows: {referenceCounts.Length} vs {currentCounts.Length}.");
        }

        double rowR = 0, rowC = 0;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            if (referenceCounts[i] < 0 || currentCounts[i] < 0)
            {
                throw new ArgumentException("Counts must be non-negative.");
            }

            if (referenceCounts[i] + currentCounts[i] == 0)
            {
                throw new ArgumentException($"Category {i} has no observations in either sample; its expected frequency would be zero.");
            }

            rowR += referenceCounts[i];
            rowC += currentCounts[i];
        }

        if (rowR == 0 || rowC == 0)
        {
            throw new ArgumentException("Both samples need at least one observation for a chi-square test.");
        }

        var degrees = referenceCounts.Length - 1;
        if (degrees == 0)
        {
            return new ChiSquareTest(0.0, 1.0, 0);
        }

        var total = rowR + rowC;
        var statistic = 0.0;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            var column = referenceCounts[i] + currentCounts[i];
            var expectedR = rowR * column / total;
            var expectedC = rowC * column / total;
            statistic += Square(referenceCounts[i] - expectedR) / expectedR;
            statistic += Square(currentCounts[i] - expectedC) / expectedC;
        }

        return new ChiSquareTest(statistic, SpecialFunctions.ChiSquareSurvival(statistic, degrees), degrees);
    }

    private static double Square(double x) => x * x;
}
