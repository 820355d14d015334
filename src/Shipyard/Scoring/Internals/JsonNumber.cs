namespace Shipyard.Scoring.Internals;

/// <summary>
/// Reads the usual JSON number of a feature value (<c>17.99</c>, <c>-0.0001267</c>, <c>1e-3</c>) into a double without
/// the general parser, exactly as it would: at most 19 significant digits form an integer mantissa below 2^53, and a
/// decimal exponent within ±22 scales it by one exactly representable power of ten, so the single IEEE multiplication
/// or division is correctly rounded (Clinger's fast path). Anything else (more digits, a larger exponent) says no and
/// the caller falls back to <c>Utf8JsonReader.TryGetDouble</c>. The input is a number token the JSON reader has
/// already checked against the grammar.
/// </summary>
internal static class JsonNumber
{
    private const ulong MaxExactMantissa = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>The value of <paramref name="token"/> (a grammar-valid JSON number), or false when the fast path cannot be exact.</summary>
    public static bool TryParse(ReadOnlySpan<byte> token, out double value)
    {
        value = 0;
        var i = 0;
        var negative = token.Length > 0 && token[0] == (byte)'-';
        if (negative)
        {
            i++;
        }

        ulong mantissa = 0;
        var digits = 0; // significant digits taken into the mantissa (leading zeros are not)
        var scale = 0; // power of ten applied to the mantissa
        for (; i < token.Length && IsDigit(token[i]); i++)
        {
            if (!TryTakeDigit(token[i], ref mantissa, ref digits))
            {
                return false;
            }
        }

        if (i < token.Length && token[i] == (byte)'.')
        {
            for (i++; i < token.Length && IsDigit(token[i]); i++)
            {
                if (!TryTakeDigit(token[i], ref mantissa, ref digits))
                {
                    return false;
                }

                scale--;
            }
        }

        if (i < token.Length)
        {
            // 'e' or 'E', an optional sign, then digits (the grammar guarantees at least one).
            i++;
            var exponentNegative = token[i] == (byte)'-';
            if (token[i] is (byte)'-' or (byte)'+')
            {
                i++;
            }

            var exponent = 0;
            for (; i < token.Length; i++)
            {
                exponent = (exponent * 10) + (token[i] - '0');
                if (exponent > 1000)
                {
                    return false; // far outside the fast path's range; the general parser decides
                }
            }

            scale += exponentNegative ? -exponent : exponent;
        }

        if (mantissa > MaxExactMantissa || scale < -22 || scale > 22)
        {
            return mantissa == 0 && TryZero(negative, out value);
        }

        var magnitude = scale < 0 ? mantissa / PowersOfTen[-scale] : mantissa * PowersOfTen[scale];
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool TryTakeDigit(byte b, ref ulong mantissa, ref int digits)
    {
        if (mantissa == 0 && b == (byte)'0')
        {
            return true; // a leading zero: no significant digit yet
        }

        if (++digits > 19)
        {
            return false; // 19 digits always fit a ulong; more need the general parser
        }

        mantissa = (mantissa * 10) + (ulong)(b - '0');
        return true;
    }

    // Zero with any exponent (0e400, 0.000e-999) is zero of the token's sign.
    private static bool TryZero(bool negative, out double value)
    {
        value = negative ? -0.0 : 0.0;
        return true;
    }
}
