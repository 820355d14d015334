namespace Shipyard.Scoring.Internals;

/// <summary>
/// An exact fast path for the decimal numbers CSV files and predict bodies are mostly made of (<c>17.99</c>, <c>-0.0625</c>,
/// <c>1.5e-3</c>): about five times cheaper than <see cref="double.TryParse(ReadOnlySpan{byte}, System.Globalization.NumberStyles, IFormatProvider?, out double)"/>,
/// which dominates the cost of reading a numeric CSV. Anything else answers false and the caller falls back to
/// <c>double.TryParse</c>, which stays the definition of what is valid.
/// </summary>
/// <remarks>
/// Clinger's fast path (W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990; also the first
/// step of .NET's and fast_float's parsers): when the decimal significand <c>w</c> is at most 2^53 and the power of
/// ten <c>q</c> is within ±22, both <c>w</c> and 10^|q| are exact doubles, so the single IEEE multiplication or
/// division <c>w × 10^q</c> is correctly rounded — the same double that <c>double.Parse</c> returns.
/// </remarks>
internal static class FastDouble
{
    private const ulong MaxExactSignificand = 1UL << 53;

    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Parses <c>[+|-]digits[.digits][(e|E)[+|-]digits]</c> (no white space, at least one significand digit) when the
    /// result is exact by Clinger's rule.
    /// </summary>
    /// <returns>True with the correctly rounded value; false when the text is outside that shape or range.</returns>
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            negative = text[i] == '-';
            i++;
        }

        ulong significand = 0;
        var digits = 0;
        var exponent = 0;
        var anyDigit = false;
        for (; i < text.Length && IsDigit(text[i]); i++)
        {
            anyDigit = true;
            if (!Accumulate(ref significand, ref digits, text[i]))
            {
                return false;
            }
        }

        if (i < text.Length && text[i] == '.')
        {
            for (i++; i < text.Length && IsDigit(text[i]); i++)
            {
                anyDigit = true;
                exponent--;
                if (!Accumulate(ref significand, ref digits, text[i]))
                {
                    return false;
                }
            }
        }

        if (!anyDigit)
        {
            return false;
        }

        if (i < text.Length && (text[i] | 0x20) == 'e')
        {
            i++;
            var exponentNegative = false;
            if (i < text.Length && (text[i] == '-' || text[i] == '+'))
            {
                exponentNegative = text[i] == '-';
                i++;
            }

            var start = i;
            var written = 0;
            for (; i < text.Length && IsDigit(text[i]); i++)
            {
                written = Math.Min((written * 10) + (text[i] - '0'), 100_000);
            }

            if (i == start)
            {
                return false;
            }

            exponent += exponentNegative ? -written : written;
        }

        if (i != text.Length || significand > MaxExactSignificand)
        {
            return false;
        }

        if (significand == 0)
        {
            value = negative ? -0.0 : 0.0;
            return true;
        }

        if (exponent is < -22 or > 22)
        {
            return false;
        }

        var magnitude = exponent >= 0 ? significand * PowersOf10[exponent] : significand / PowersOf10[-exponent];
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>Adds a digit to the significand (leading zeros skipped); false past 16 significant digits (&gt; 2^53 anyway).</summary>
    private static bool Accumulate(ref ulong significand, ref int digits, byte digit)
    {
        if (significand == 0 && digit == '0')
        {
            return true;
        }

        if (++digits > 16)
        {
            return false;
        }

        significand = (significand * 10) + (uint)(digit - '0');
        return true;
    }
}
