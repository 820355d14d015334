using Shipyard.Monitoring.Internals;

namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// Two-sample Kolmogorov–Smirnov test, two-sided, reproducing <c>scipy.stats.ks_2samp(method="auto")</c>
/// (scipy 1.10, <c>scipy/stats/_stats_py.py</c>): D = supₓ |F₁(x) − F₂(x)|; when max(n₁, n₂) ≤ 10,000 the exact
/// lattice-path p-value with D rounded to the nearest multiple of 1/lcm(n₁, n₂) (and D reported as that
/// multiple); otherwise, or if the exact computation fails numerically, the Kolmogorov distribution
/// <c>kstwo.sf(D, round(n₁n₂/(n₁+n₂)))</c>.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>Above this sample size (of the larger sample) scipy's "auto" switches to the asymptotic p-value.</summary>
    public const int MaxExactSampleSize = 10_000;

    /// <summary>
    /// Tests two samples. Both must be sorted ascending, free of NaN and non-empty (the caller removes
    /// missing values; see <see cref="Drift.DriftCalculator"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A sample is empty.</exception>
    public static KsTest TwoSample(ReadOnlySpan<double> sortedFirst, ReadOnlySpan<double> sortedSecond)
    {
        if (sortedFirst.IsEmpty || sortedSecond.IsEmpty)
        {
            throw new ArgumentException("Both samples need at least one value for a Kolmogorov–Smirnov test.");
        }

        var walk = EcdfWalk.Compare(sortedFirst, sortedSecond);
        return FromWalk(walk, sortedFirst.Length, sortedSecond.Length);
    }

    internal static KsTest FromWalk(EcdfWalk.Result walk, int n1, int n2)
    {
        var maxS = walk.MaxDifference;
        var minS = Math.Clamp(-walk.MinDifference, 0, 1);
        var d = minS > maxS ? minS : maxS;

        if (Math.Max(n1, n2) <= MaxExactSampleSize)
        {
            var g = (int)GreatestCommonDivisor(n1, n2);
            var lcm = (long)(n1 / g) * n2;
            var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
            var exactD = (double)h / lcm;
            if (h == 0)
            {
                return new KsTest(exactD, 1.0);
            }

            var p = SmirnovTwoSampleExact.TwoSidedPValue(n1, n2, g, h);
            if (p is >= 0 and <= 1)
            {
                return new KsTest(exactD, p);
            }

            d = exactD; // scipy keeps the rounded D when it falls back
        }

        double larger = Math.Max(n1, n2), smaller = Math.Min(n1, n2);
        var effective = larger * smaller / (larger + smaller);
        var n = (int)Math.Min(Math.Round(effective, MidpointRounding.ToEven), int.MaxValue);
        return new KsTest(d, KolmogorovDistribution.Survival(n, d));
    }

    private static long GreatestCommonDivisor(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
