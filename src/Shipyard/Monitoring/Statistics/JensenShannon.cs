namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// Jensen–Shannon distance with base-2 logarithms, as <c>scipy.spatial.distance.jensenshannon(p, q, base=2)</c>:
/// √((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2, after normalizing p and q to sum to 1; 0·ln 0 = 0.
/// Bounded by [0, 1]; a metric (Endres &amp; Schindelin, IEEE Trans. Inf. Theory 49(7), 2003).
/// </summary>
public static class JensenShannon
{
    /// <summary>JS distance between two histograms over the same bins (counts or proportions; unfloored).</summary>
    /// <exception cref="ArgumentException">The spans differ in length, or one sums to zero.</exception>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException($"Jensen–Shannon needs matching bins: {p.Length} vs {q.Length}.");
        }

        double sumP = 0, sumQ = 0;
        for (var i = 0; i < p.Length; i++)
        {
            sumP += p[i];
            sumQ += q[i];
        }

        if (!(sumP > 0) || !(sumQ > 0))
        {
            throw new ArgumentException("Jensen–Shannon needs two non-empty histograms.");
        }

        double left = 0, right = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] / sumP;
            var qi = q[i] / sumQ;
            var m = (pi + qi) / 2;
            left += RelativeEntropy(pi, m);
            right += RelativeEntropy(qi, m);
        }

        var divergence = (left + right) / Math.Log(2);
        return Math.Sqrt(Math.Max(divergence, 0) / 2.0);
    }

    private static double RelativeEntropy(double x, double y) => x > 0 ? x * Math.Log(x / y) : 0.0;
}
