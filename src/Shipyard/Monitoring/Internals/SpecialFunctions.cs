namespace Shipyard.Monitoring.Internals;

/// <summary>
/// Log-gamma and the regularized incomplete gamma function, enough for chi-square p-values and the
/// Kolmogorov distributions. .NET has neither, so they are written out here.
/// </summary>
internal static class SpecialFunctions
{
    private const double LogSqrtTwoPi = 0.91893853320467274178032973640562; // ln(sqrt(2π))

    // Lanczos approximation, g = 7, n = 9: relative error below 2e-15 for x > 0.
    // Coefficients: Godfrey's table as reproduced in Press et al., "Numerical Recipes" 3rd ed., §6.1, and
    // https://en.wikipedia.org/wiki/Lanczos_approximation.
    private static readonly double[] s_lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var a = s_lanczos[0];
        var t = x + 7.5;
        for (var i = 1; i < s_lanczos.Length; i++)
        {
            a += s_lanczos[i] / (x + i);
        }

        return LogSqrtTwoPi + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    /// <summary>
    /// Q(a, x) = Γ(a, x) / Γ(a), the upper regularized incomplete gamma function, for a &gt; 0, x ≥ 0.
    /// Series for x &lt; a + 1 (where P converges fast, Q = 1 − P), Lentz's continued fraction otherwise
    /// (which yields Q directly, so tiny tail probabilities keep their relative precision).
    /// Press et al., "Numerical Recipes" 3rd ed., §6.2 (gser / gcf).
    /// </summary>
    public static double UpperRegularizedGamma(double a, double x)
    {
        if (double.IsNaN(a) || double.IsNaN(x) || a <= 0 || x < 0)
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return 1.0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0.0;
        }

        return x < a + 1 ? 1.0 - LowerSeries(a, x) : UpperContinuedFraction(a, x);
    }

    /// <summary>Survival function of the chi-square distribution with <paramref name="degreesOfFreedom"/> degrees of freedom.</summary>
    public static double ChiSquareSurvival(double statistic, int degreesOfFreedom) =>
        UpperRegularizedGamma(degreesOfFreedom / 2.0, statistic / 2.0);

    /// <summary>ln(n! / nⁿ) by Stirling's series (accurate for n &gt; 140, where it is used).</summary>
    public static double LogFactorialOverPower(int n)
    {
        // ln n! − n ln n = ½ ln n − n + ½ ln 2π + Σ B₂ₖ / (2k(2k−1) n^(2k−1)).
        double rn = 1.0 / n, rn2 = rn * rn;
        double[] coefficients = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156, -3617.0 / 122400];
        var series = 0.0;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            series = (series * rn2) + coefficients[i];
        }

        return (Math.Log(n) / 2) - n + LogSqrtTwoPi + (rn * series);
    }

    private static double LowerSeries(double a, double x)
    {
        var term = 1.0 / a;
        var sum = term;
        for (var n = 1; n < 100_000; n++)
        {
            term *= x / (a + n);
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-17)
            {
                break;
            }
        }

        return sum * Math.Exp((-x) + (a * Math.Log(x)) - LogGamma(a));
    }

    private static double UpperContinuedFraction(double a, double x)
    {
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 100_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            if (Math.Abs(d) < tiny)
            {
                d = tiny;
            }

            c = b + (an / c);
            if (Math.Abs(c) < tiny)
            {
                c = tiny;
            }

            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp((-x) + (a * Math.Log(x)) - LogGamma(a)) * h;
    }
}
