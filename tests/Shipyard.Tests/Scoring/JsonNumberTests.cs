using System.Globalization;
using System.Text;
using Shipyard.Scoring.Internals;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>The fast number path must give the general parser's double bit for bit, and take the usual numbers.</summary>
public class JsonNumberTests
{
    [Theory]
    [InlineData("17.99", true)]
    [InlineData("-0.0001267194747924805", true)] // 19 significant digits after leading zeros
    [InlineData("0", true)]
    [InlineData("-0", true)] // negative zero keeps its sign
    [InlineData("0.0", true)]
    [InlineData("1e22", true)]
    [InlineData("1e-22", true)]
    [InlineData("1.5E+3", true)]
    [InlineData("2.5e-3", true)]
    [InlineData("9007199254740992", true)] // 2^53: still exact
    [InlineData("9007199254740993", false)] // 2^53 + 1: the general parser rounds it
    [InlineData("12345678901234567890", false)] // 20 digits
    [InlineData("17.990000000000000000000", false)] // trailing zeros count as digits; still correct through the fallback
    [InlineData("1e23", false)]
    [InlineData("1e-23", false)]
    [InlineData("4.9e-324", false)]
    [InlineData("1.7976931348623157e308", false)]
    [InlineData("0e400", true)] // zero with any exponent is zero
    [InlineData("-0.000e-999", true)]
    [InlineData("1e99999", false)]
    public void TryParse_Cases_MatchTheGeneralParser(string token, bool fast)
    {
        Assert.Equal(fast, JsonNumber.TryParse(Encoding.ASCII.GetBytes(token), out var value));
        if (fast)
        {
            AssertSameBits(token, value);
        }
    }

    [Fact]
    public void TryParse_RandomNumbersInTheUsualFormats_MatchTheGeneralParserBitForBit()
    {
        var random = new Random(20261204);
        string[] formats = ["R", "G6", "G15", "G17", "F2", "F6", "E3", "E10", "0.###############"];
        var taken = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var magnitude = Math.Pow(10, random.Next(-12, 12));
            var number = (random.NextDouble() - 0.5) * magnitude;
            var token = (i % 7 == 0 ? Math.Round(number) : number).ToString(formats[i % formats.Length], CultureInfo.InvariantCulture);
            if (JsonNumber.TryParse(Encoding.ASCII.GetBytes(token), out var value))
            {
                taken++;
                AssertSameBits(token, value);
            }
        }

        // Most of them are short enough for the fast path (R and G17 of small magnitudes are not).
        Assert.InRange(taken, 100_000, 200_000);
    }

    private static void AssertSameBits(string token, double value) =>
        Assert.True(
            BitConverter.DoubleToInt64Bits(double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(value),
            $"{token}: fast path gave {value:R}, the general parser {double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture):R}");
}
