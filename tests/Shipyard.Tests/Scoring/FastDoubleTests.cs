using System.Globalization;
using System.Text;
using Shipyard.Scoring.Internals;
using Xunit;

namespace Shipyard.Tests.Scoring;

public sealed class FastDoubleTests
{
    [Theory]
    [InlineData("17.99", 17.99)]
    [InlineData("-0.0625", -0.0625)]
    [InlineData("+3", 3)]
    [InlineData("1.5e-3", 1.5e-3)]
    [InlineData("2E+22", 2e22)]
    [InlineData("0.05", 0.05)]
    [InlineData("00012.5000", 12.5)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("9007199254740992", 9007199254740992)]
    [InlineData("0e999", 0)]
    public void TryParse_CommonShapes_TakesTheFastPath(string text, double expected)
    {
        Assert.True(FastDouble.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
    }

    [Fact]
    public void TryParse_NegativeZero_KeepsTheSign()
    {
        Assert.True(FastDouble.TryParse("-0.0"u8, out var value));
        Assert.True(double.IsNegative(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("e5")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1x")]
    [InlineData(" 1")]
    [InlineData("1,5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("9007199254740993")]       // above 2^53: not exact, left to double.TryParse
    [InlineData("0.09842460094612397")]    // 16 significant digits above 2^53
    [InlineData("1e23")]                   // 10^23 is not an exact double
    [InlineData("1e-23")]
    [InlineData("--1")]
    public void TryParse_OutsideTheExactShape_DeclinesSoTheCallerFallsBack(string text)
    {
        Assert.False(FastDouble.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void TryParse_WheneverItAnswers_AgreesBitForBitWithDoubleParse()
    {
        var random = new Random(20261122);
        var texts = new List<string>();
        for (var i = 0; i < 200_000; i++)
        {
            var v = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-25, 25));
            texts.Add(v.ToString("R", CultureInfo.InvariantCulture));
            texts.Add(v.ToString("G" + random.Next(1, 18), CultureInfo.InvariantCulture));
            texts.Add(v.ToString("F" + random.Next(0, 12), CultureInfo.InvariantCulture));
            texts.Add(v.ToString("E" + random.Next(0, 17), CultureInfo.InvariantCulture));
            texts.Add(((float)v).ToString(CultureInfo.InvariantCulture));
        }

        texts.AddRange(["+.5", "-.5e-3", "1.e5", "0.", "-0", "1e-22", "4.9406564584124654e-324", "2.2250738585072014e-308", "1.7976931348623157e308"]);
        var fast = 0;
        foreach (var text in texts)
        {
            if (!FastDouble.TryParse(Encoding.UTF8.GetBytes(text), out var value))
            {
                continue;
            }

            fast++;
            Assert.True(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected), text);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{text}: {value:R} instead of {expected:R}");
        }

        Assert.InRange(fast, texts.Count / 3, texts.Count); // the fast path is really taken for most of them
    }
}
