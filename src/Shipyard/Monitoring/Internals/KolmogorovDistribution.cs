namespace Shipyard.Monitoring.Internals;

/// <summary>
/// Survival function of the two-sided one-sample Kolmogorov statistic Dₙ, P(Dₙ ≥ x), with the algorithm
/// choice of Simard &amp; L'Ecuyer, "Computing the Two-Sided Kolmogorov-Smirnov Distribution",
/// J. Stat. Software 39(11), 2011 — the same choice scipy makes in <c>scipy.stats.kstwo.sf</c>
/// (<c>scipy/stats/_ksstats.py</c>), which <c>ks_2samp</c>'s asymptotic mode evaluates at
/// n = round(n₁n₂/(n₁+n₂)). Exact formulas near the ends (Ruben–Gambino), Durbin's matrix
/// (Marsaglia–Tsang–Wang 2003) or Pomeranz (1974) for small n, 2·Smirnov for the far tail,
/// Pelz–Good (1976) otherwise.
/// </summary>
internal static class KolmogorovDistribution
{
    private const int ScaleExponent = 128;
    private static readonly double s_scaleUp = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double s_scaleDown = Math.ScaleB(1.0, -ScaleExponent);

    /// <summary>P(Dₙ ≥ x) for n ≥ 1.</summary>
    public static double Survival(int n, double x)
    {
        if (n <= 0 || double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        if (x <= 0.0)
        {
            return 1.0;
        }

        var t = n * x;
        if (t <= 1.0)
        {
            // Ruben–Gambino: P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ for 1/(2n) ≤ x ≤ 1/n.
            if (t <= 0.5)
            {
                return 1.0;
            }

            double cdf;
            if (n <= 140)
            {
                cdf = 1.0;
                for (var i = 1; i <= n; i++)
                {
                    cdf *= i * (1.0 / n) * ((2 * t) - 1);
                }
            }
            else
            {
                cdf = Math.Exp(SpecialFunctions.LogFactorialOverPower(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Clip(1.0 - cdf);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - x, n));
        }

        if (x >= 0.5)
        {
            return Clip(2 * SmirnovSurvival(n, x));
        }

        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1.0 - DurbinMatrixCdf(n, x));
            }

            if (nxSquared <= 4)
            {
                return Clip(1.0 - PomeranzCdf(n, x));
            }

            return Clip(2 * SmirnovSurvival(n, x));
        }

        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * SmirnovSurvival(n, x));
        }

        var cdfValue = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 ? DurbinMatrixCdf(n, x) : PelzGoodCdf(n, x);
        return Clip(1.0 - cdfValue);
    }

    /// <summary>
    /// One-sided Smirnov survival P(Dₙ⁺ ≥ x), Birnbaum–Tingey (1951):
    /// x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^{n−j} (x + j/n)^{j−1}, each term in logarithms so
    /// nothing overflows; all terms are positive, so the sum has no cancellation.
    /// </summary>
    public static double SmirnovSurvival(int n, double x)
    {
        if (x >= 1.0)
        {
            return 0.0;
        }

        if (x <= 0.0)
        {
            return 1.0;
        }

        var last = (int)Math.Floor(n * (1.0 - x));
        var logBinomial = 0.0; // ln C(n, 0)
        var sum = 0.0;
        var logX = Math.Log(x);
        for (var j = 0; j <= last; j++)
        {
            if (j > 0)
            {
                logBinomial += Math.Log(n - j + 1) - Math.Log(j);
            }

            var lower = 1.0 - x - ((double)j / n);
            var upper = x + ((double)j / n);
            if (lower <= 0)
            {
                if (j == n)
                {
                    sum += Math.Exp(logBinomial + ((j - 1) * Math.Log(upper)) + logX);
                }

                continue;
            }

            sum += Math.Exp(logBinomial + ((n - j) * Math.Log(lower)) + ((j - 1) * Math.Log(upper)) + logX);
        }

        return Clip(sum);
    }

    /// <summary>
    /// P(Dₙ &lt; d) by Durbin's matrix method as in Marsaglia, Tsang &amp; Wang, "Evaluating Kolmogorov's
    /// Distribution", J. Stat. Software 8(18), 2003: the (k,k) entry of Hⁿ times n!/nⁿ, with binary powering
    /// and an explicit power-of-two exponent to avoid overflow.
    /// </summary>
    internal static double DurbinMatrixCdf(int n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = (2 * k) - 1;
        var w = new double[m];
        var v = new double[m];
        var factorial = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = factorial;           // 1/(j−1)!
            factorial /= j;                 // 1/j!
            v[j - 1] = (1.0 - Math.Pow(h, j)) * factorial;
        }

        var tt = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
        v[m - 1] = (1.0 + tt) * factorial;

        var hMatrix = new double[m, m];
        for (var c = 1; c < m; c++)
        {
            for (var r = c - 1; r < m; r++)
            {
                hMatrix[r, c] = w[r - c + 1];
            }
        }

        for (var r = 0; r < m; r++)
        {
            hMatrix[r, 0] = v[r];
        }

        for (var c = 0; c < m; c++)
        {
            hMatrix[m - 1, c] = v[m - 1 - c];
        }

        var power = Identity(m);
        var exponent = 0;
        var hExponent = 0;
        var remaining = n;
        while (remaining > 0)
        {
            if (remaining % 2 == 1)
            {
                power = Multiply(power, hMatrix);
                exponent += hExponent;
            }

            hMatrix = Multiply(hMatrix, hMatrix);
            hExponent *= 2;
            if (Math.Abs(hMatrix[k - 1, k - 1]) > s_scaleUp)
            {
                Scale(hMatrix, s_scaleDown);
                hExponent += ScaleExponent;
            }

            remaining /= 2;
        }

        var p = power[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < s_scaleDown)
            {
                p *= s_scaleUp;
                exponent -= ScaleExponent;
            }
        }

        return Clip(Math.ScaleB(p, exponent));
    }

    /// <summary>
    /// P(Dₙ ≤ x) by Pomeranz's recursion (Pomeranz, "Exact cumulative distribution of the Kolmogorov-Smirnov
    /// statistic for small samples", CACM 17(12), 1974), in the banded form described by Simard &amp; L'Ecuyer §2.
    /// </summary>
    internal static double PomeranzCdf(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilF = f > 0 ? 1 : 0;
        var roundF = f > 0.5 ? 1 : 0;
        var powers = 2 * (ll + 1);
        var gPower = new double[powers];
        var twoGPower = new double[powers];
        var oneMinusTwoGPower = new double[powers];
        gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1.0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - (2 * g)) / n;
        for (var m = 1; m < powers; m++)
        {
            gPower[m] = gPower[m - 1] * gOverN / m;
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / m;
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[powers];
        var v1 = new double[powers];
        v1[0] = 1;
        int v0Start = 0, v1Start = 0;
        var exponent = 0;
        var (j1, j2) = PomeranzBand(0, n, ll, ceilF, roundF);
        for (var i = 1; i <= (2 * n) + 1; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0Start, v1Start) = (v1Start, v0Start);
            Array.Clear(v1);
            (j1, j2) = PomeranzBand(i, n, ll, ceilF, roundF);
            var weights = i == 1 || i == (2 * n) + 1 ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower);
            var length = j2 - k1 + 1;
            if (length > 0)
            {
                // V1[q] = Σ_r V0[k1 − v0Start + r] · weights[(j1 − k1 + q) − r]: the slice of the full
                // convolution of V0[k1..k1+length) with weights[0..length) that covers [j1, j2].
                var sourceStart = k1 - v0Start;
                var sourceLength = Math.Min(length, powers - sourceStart);
                var weightLength = Math.Min(length, powers);
                var shift = j1 - k1;
                var count = j2 - j1 + 1;
                var max = 0.0;
                for (var q = 0; q < count; q++)
                {
                    var position = shift + q;
                    var sum = 0.0;
                    var rFrom = Math.Max(0, position - weightLength + 1);
                    var rTo = Math.Min(sourceLength - 1, position);
                    for (var r = rFrom; r <= rTo; r++)
                    {
                        sum += v0[sourceStart + r] * weights[position - r];
                    }

                    v1[q] = sum;
                    max = Math.Max(max, sum);
                }

                if (max > 0 && max < s_scaleDown)
                {
                    for (var q = 0; q < count; q++)
                    {
                        v1[q] *= s_scaleUp;
                    }

                    exponent -= ScaleExponent;
                }

                v1Start = v0Start + j1 - k1;
            }
        }

        var answer = v1[n - v1Start];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(answer) > s_scaleUp)
            {
                answer *= s_scaleDown;
                exponent += ScaleExponent;
            }

            answer *= m;
        }

        return Clip(Math.ScaleB(answer, exponent));
    }

    /// <summary>
    /// P(Dₙ ≤ x) by the Pelz–Good asymptotic series (Pelz &amp; Good, "Approximating the lower tail-areas of the
    /// Kolmogorov-Smirnov one-sample statistic", JRSS B 38(2), 1976): K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2}
    /// with z = x√n, each Kᵢ in its Jacobi-theta form that converges fast for small z.
    /// </summary>
    internal static double PelzGoodCdf(int n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        const double pi2 = Math.PI * Math.PI;
        const double pi4 = pi2 * pi2;
        const double pi6 = pi4 * pi2;
        var sqrtTwoPi = Math.Sqrt(2 * Math.PI);
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        var qLog = -pi2 / 8 / z2;
        if (qLog < -708)
        {
            return 0.0;
        }

        var q = Math.Exp(qLog);
        var k1a = -z2;
        var k1b = pi2 / 4;
        var k2a = (6 * z6) + (2 * z4);
        var k2b = ((2 * z4) - (5 * z2)) * pi2 / 4;
        var k2c = pi4 * (1 - (2 * z2)) / 16;
        var k3d = pi6 * (5 - (30 * z2)) / 64;
        var k3c = pi4 * ((-60 * z2) + (212 * z4)) / 16;
        var k3b = pi2 * ((135 * z4) - (96 * z6)) / 4;
        var k3a = (-30 * z6) - (90 * z4 * z4);

        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            double m = (2 * k) - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qPower = Math.Pow(q, 8 * k);
            s0 = (s0 * qPower) + 1.0;
            s1 = (s1 * qPower) + k1a + (k1b * m2);
            s2 = (s2 * qPower) + k2a + (k2b * m2) + (k2c * m4);
            s3 = (s3 * qPower) + k3a + (k3b * m2) + (k3c * m4) + (k3d * m6);
        }

        var factor = q * sqrtTwoPi;
        s0 *= factor / z;
        s1 *= factor / (6 * z4);
        s2 *= factor / (72 * z6 * z);
        s3 *= factor / (6480 * z6 * z4);

        var q2 = Math.Exp(-pi2 / 2 / z2);
        double extra2 = 0, extra3 = 0;
        var sqrt3z = Math.Sqrt(3) * z;
        for (var k = maxK; k > 0; k--)
        {
            double k2 = (double)k * k, kpi = Math.PI * k;
            var qk = Math.Pow(q2, k2);
            extra2 += k2 * qk;
            extra3 += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
        }

        s2 += extra2 * pi2 * sqrtTwoPi / (-36 * z3);
        s3 += extra3 * pi2 * sqrtTwoPi / (216 * z6);

        var sqrtN = Math.Sqrt(n);
        return s0 + (s1 / sqrtN) + (s2 / n) + (s3 / (n * sqrtN));
    }

    private static (int J1, int J2) PomeranzBand(int i, int n, int ll, int ceilF, int roundF)
    {
        int j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilF - 1;
            j2 = ll + ceilF - 1;
        }
        else
        {
            var half = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                if (half == n + 1)
                {
                    j1 = n - ll - ceilF - 1;
                    j2 = n + ll + ceilF - 1;
                }
                else
                {
                    j1 = half - 1 - ll - roundF - 1;
                    j2 = half + ll - 1 + ceilF - 1;
                }
            }
            else
            {
                j1 = half - 1 - ll - 1;
                j2 = half + ll + roundF - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    private static double[,] Identity(int m)
    {
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            result[i, i] = 1.0;
        }

        return result;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[i, j] += aik * b[k, j];
                }
            }
        }

        return result;
    }

    private static void Scale(double[,] a, double factor)
    {
        var m = a.GetLength(0);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                a[i, j] *= factor;
            }
        }
    }

    private static double Clip(double p) => double.IsNaN(p) ? p : Math.Clamp(p, 0.0, 1.0);
}
