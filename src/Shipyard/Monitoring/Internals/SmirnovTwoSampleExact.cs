namespace Shipyard.Monitoring.Internals;

/// <summary>
/// Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic, P(D_{m,n} ≥ h/lcm(m,n)),
/// by counting lattice paths (Hodges, "The significance probability of the Smirnov two-sample test",
/// Arkiv för Matematik 3(43), 1958). For m ≠ n the recursion is Viehmann's, which carries 1 − p so that
/// small p-values keep their precision (arXiv:2102.08037); for m = n the closed alternating series,
/// evaluated Horner-like to avoid subtractive cancellation. These are the computations behind
/// scipy's <c>ks_2samp(method="exact")</c> (<c>_compute_outer_prob_inside_method</c>,
/// <c>_compute_prob_outside_square</c>).
/// </summary>
internal static class SmirnovTwoSampleExact
{
    /// <summary>P(D ≥ h/lcm) for sample sizes m, n with gcd g; NaN when floating point gave up.</summary>
    public static double TwoSidedPValue(int m, int n, int g, long h)
    {
        var p = m == n ? ProbabilityOutsideSquare(n, h) : ProbabilityOutsideBand(m, n, g, h);
        return double.IsFinite(p) ? p : double.NaN;
    }

    // 2·Σ_k (−1)^(k+1) C(2n, n−kh)/C(2n, n) written as 2·A₁(1 − A₂(1 − A₃(…))), each Aₖ a product of h ratios.
    private static double ProbabilityOutsideSquare(int n, long h)
    {
        var p = 0.0;
        for (var k = (long)Math.Floor((double)n / h); k >= 0; k--)
        {
            var p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - (k * h) - j) * p1 / (n + (k * h) + j + 1);
            }

            p = p1 * (1.0 - p);
        }

        return 2 * p;
    }

    // Column-by-column recursion over the lattice, keeping only the band |x/m − y/n| < h/lcm; the entries
    // are the probability of having already left the band, so no huge binomial coefficients appear.
    private static double ProbabilityOutsideBand(int m, int n, int g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        long mg = m / g, ng = n / g;
        var minJ = 0L;
        var maxJ = Math.Min(CeilDiv(h, mg), n + 1);
        var currentLength = maxJ - minJ;
        var lengthA = (int)Math.Min((2 * maxJ) + 2, n + 1);
        var a = new double[lengthA];
        Array.Fill(a, 1.0);
        for (var j = minJ; j < maxJ && j < lengthA; j++)
        {
            a[j] = 0.0;
        }

        for (long i = 1; i <= m; i++)
        {
            var lastMinJ = minJ;
            var lastLength = currentLength;
            minJ = Math.Max(FloorDiv((ng * i) - h, mg) + 1, 0);
            minJ = Math.Min(minJ, n);
            maxJ = Math.Min(CeilDiv((ng * i) + h, mg), n + 1);
            if (maxJ <= minJ)
            {
                return 1.0;
            }

            var value = minJ == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxJ - minJ; jj++)
            {
                var j = jj + minJ;
                value = ((a[jj + minJ - lastMinJ] * i) + (value * j)) / (i + j);
                a[jj] = value;
            }

            currentLength = maxJ - minJ;
            if (lastLength > currentLength)
            {
                var end = Math.Min(maxJ - minJ + (lastLength - currentLength), lengthA);
                for (var j = maxJ - minJ; j < end; j++)
                {
                    a[j] = 1.0;
                }
            }
        }

        return a[maxJ - minJ - 1];
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
}
