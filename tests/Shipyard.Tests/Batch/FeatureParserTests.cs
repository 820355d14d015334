using System.Text;
using Shipyard.Batch.Internals;
using Shipyard.Models;
using Xunit;

namespace Shipyard.Tests.Batch;

public sealed class FeatureParserTests
{
    private static readonly FeatureSpec Float = new() { Name = "x", Type = FeatureType.Float, Min = -10, Max = 10 };
    private static readonly FeatureSpec OptionalFloat = Float with { Required = false };
    private static readonly FeatureSpec Int = new() { Name = "n", Type = FeatureType.Int, Categories = ["1", "2"] };
    private static readonly FeatureSpec Text = new() { Name = "s", Type = FeatureType.String, Categories = ["a", "é"] };

    /// <summary>Cells and what both the UTF-8 and the text path must make of them (number, text, reason).</summary>
    public static TheoryData<string, FeatureSpec, RangePolicy, double, string?, string?> Cells => new()
    {
        { "1.5", Float, RangePolicy.Reject, 1.5, null, null },
        { " \t-2e-1 ", Float, RangePolicy.Reject, -0.2, null, null },
        { "\u00A03.25\u2003", Float, RangePolicy.Reject, 3.25, null, null }, // Unicode spaces trimmed like text
        { "", Float, RangePolicy.Reject, double.NaN, null, "required feature is missing" },
        { "nan", OptionalFloat, RangePolicy.Reject, double.NaN, null, null },
        { " NaN", Float, RangePolicy.Reject, double.NaN, null, "required feature is missing" },
        { "abc", Float, RangePolicy.Reject, double.NaN, null, "expected a number, found 'abc'" },
        { "1,5", Float, RangePolicy.Reject, double.NaN, null, "expected a number, found '1,5'" },
        { "٣", Float, RangePolicy.Reject, double.NaN, null, "expected a number, found '٣'" },
        { "1e400", Float, RangePolicy.Reject, double.PositiveInfinity, null, "expected a finite number, found '1e400'" },
        { "11", Float, RangePolicy.Reject, 11, null, "11 is above the maximum 10" },
        { "11", Float, RangePolicy.Allow, 11, null, null },
        { "-10.5", Float, RangePolicy.Reject, -10.5, null, "-10.5 is below the minimum -10" },
        { "2", Int, RangePolicy.Reject, 2, null, null },
        { "2.5", Int, RangePolicy.Reject, 2.5, null, "expected an integer, found '2.5'" },
        { "3", Int, RangePolicy.Reject, 3, null, "'3' is not one of the declared categories" },
        { "x", Int, RangePolicy.Reject, double.NaN, null, "expected an integer, found 'x'" },
        { "é", Text, RangePolicy.Reject, double.NaN, "é", null },
        { "b", Text, RangePolicy.Reject, double.NaN, "b", "'b' is not one of the declared categories" },
        { " ", Text, RangePolicy.Reject, double.NaN, "", "required feature is missing" },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void Parse_Utf8AndText_AgreeOnValueAndReason(string cell, FeatureSpec feature, RangePolicy policy, double number, string? text, string? reason)
    {
        var categories = feature.Categories is null ? null : new HashSet<string>(feature.Categories, StringComparer.Ordinal);
        var fromBytes = FeatureParser.Parse(feature, categories, policy, Encoding.UTF8.GetBytes(cell), out var bytesNumber, out var bytesText);
        var fromChars = FeatureParser.Parse(feature, categories, policy, cell.AsSpan(), out var charsNumber, out var charsText);

        Assert.Equal(reason, fromBytes);
        Assert.Equal(reason, fromChars);
        if (reason is null)
        {
            Assert.Equal(number, bytesNumber);
            Assert.Equal(number, charsNumber);
            Assert.Equal(text, bytesText);
            Assert.Equal(text, charsText);
        }
    }
}
