namespace Shipyard.Monitoring.Internals;

/// <summary>
/// One merge pass over two sorted samples that yields both empirical-CDF comparisons the drift
/// statistics need: the extreme differences F₁ − F₂ (Kolmogorov–Smirnov) and the area ∫|F₁ − F₂| dx
/// (Wasserstein-1). Linear time after sorting.
/// </summary>
internal static class EcdfWalk
{
    /// <summary>The extremes of F₁ − F₂ over all sample points and the area between the two ECDFs.</summary>
    public readonly record struct Result(double MaxDifference, double MinDifference, double Area);

    /// <summary>Walks two ascending, NaN-free, non-empty samples.</summary>
    public static Result Compare(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        int n1 = first.Length, n2 = second.Length;
        double size1 = n1, size2 = n2;
        int i = 0, j = 0;
        double max = double.NegativeInfinity, min = double.PositiveInfinity;

        // Neumaier-compensated sum: the area is a sum of up to n₁+n₂ positive terms.
        double area = 0, compensation = 0;
        while (i < n1 || j < n2)
        {
            var x = j >= n2 || (i < n1 && first[i] <= second[j]) ? first[i] : second[j];
            while (i < n1 && first[i] <= x)
            {
                i++;
            }

            while (j < n2 && second[j] <= x)
            {
                j++;
            }

            // Same expression as scipy (searchsorted counts divided by sizes), so D matches bit for bit.
            var difference = (i / size1) - (j / size2);
            max = Math.Max(max, difference);
            min = Math.Min(min, difference);
            if (i < n1 || j < n2)
            {
                var next = j >= n2 || (i < n1 && first[i] <= second[j]) ? first[i] : second[j];
                var term = Math.Abs(difference) * (next - x);
                var sum = area + term;
                compensation += Math.Abs(area) >= Math.Abs(term) ? (area - sum) + term : (term - sum) + area;
                area = sum;
            }
        }

        return new Result(max, min, area + compensation);
    }
}
