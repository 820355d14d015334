using System.Globalization;
using System.Text;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Scoring.Internals;

namespace Shipyard.Batch.Internals;

/// <summary>
/// Turns one CSV cell into a feature value, with the same rules as a JSON instance: numbers in invariant culture,
/// integers integral, an empty cell (or NaN) is a missing value, allowed only for optional features (fed as NaN /
/// 0 / ""); min/max and categories only enforced when the manifest says <c>outOfRange: reject</c>.
/// </summary>
/// <remarks>
/// The range and category rules are <see cref="InstanceValidator"/>'s (<c>OutsideRange</c>, <c>OutsideCategories</c>),
/// the ones JSON instances are checked with; this class only reads the cell and words the reason for a CSV row.
/// Numbers are parsed straight from the UTF-8 bytes (no string per cell), through <see cref="FastDouble"/> when it can
/// be exact, else <c>double.TryParse</c>. A cell with non-ASCII bytes (rare in a
/// numeric column: e.g. a no-break space around the number) is decoded and parsed as text, so that trimming follows
/// <see cref="char.IsWhiteSpace(char)"/> exactly as for text.
/// </remarks>
internal static class FeatureParser
{
    private const NumberStyles Styles = NumberStyles.Float;

    // The ASCII characters char.IsWhiteSpace accepts; the others it accepts are not ASCII.
    private static ReadOnlySpan<byte> AsciiWhiteSpace => " \t\n\v\f\r"u8;

    /// <summary>Parses the UTF-8 <paramref name="cell"/> for <paramref name="feature"/>.</summary>
    /// <returns>Null when valid (the value in <paramref name="number"/> or <paramref name="text"/>), else the reason.</returns>
    public static string? Parse(FeatureSpec feature, IReadOnlySet<string>? categories, RangePolicy outOfRange, ReadOnlySpan<byte> cell, out double number, out string? text)
    {
        if (feature.Type == FeatureType.String || !System.Text.Ascii.IsValid(cell))
        {
            return Parse(feature, categories, outOfRange, Encoding.UTF8.GetString(cell).AsSpan(), out number, out text);
        }

        text = null;
        var trimmed = cell.Trim(AsciiWhiteSpace);
        if (trimmed.IsEmpty || IsNaN(trimmed))
        {
            number = feature.Type == FeatureType.Int ? 0 : double.NaN;
            return feature.Required ? "required feature is missing" : null;
        }

        if (!FastDouble.TryParse(trimmed, out number) && !double.TryParse(trimmed, Styles, CultureInfo.InvariantCulture, out number))
        {
            return NotANumber(feature, Encoding.UTF8.GetString(cell));
        }

        var problem = Check(feature, categories, outOfRange, number);
        return problem == Problem.None ? null : Describe(problem, feature, number, Encoding.UTF8.GetString(cell));
    }

    /// <summary>Parses the text <paramref name="cell"/> for <paramref name="feature"/>.</summary>
    /// <returns>Null when valid (the value in <paramref name="number"/> or <paramref name="text"/>), else the reason.</returns>
    public static string? Parse(FeatureSpec feature, IReadOnlySet<string>? categories, RangePolicy outOfRange, ReadOnlySpan<char> cell, out double number, out string? text)
    {
        number = double.NaN;
        text = null;
        var trimmed = cell.Trim();
        if (feature.Type == FeatureType.String)
        {
            if (trimmed.IsEmpty)
            {
                text = "";
                return feature.Required ? "required feature is missing" : null;
            }

            text = cell.ToString();
            if (outOfRange == RangePolicy.Reject && InstanceValidator.OutsideCategories(categories, text))
            {
                return $"'{UserText.Shorten(text, 40)}' is not one of the declared categories";
            }

            return null;
        }

        if (trimmed.IsEmpty || trimmed.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            number = feature.Type == FeatureType.Int ? 0 : double.NaN;
            return feature.Required ? "required feature is missing" : null;
        }

        if (!double.TryParse(trimmed, Styles, CultureInfo.InvariantCulture, out number))
        {
            return NotANumber(feature, cell);
        }

        var problem = Check(feature, categories, outOfRange, number);
        return problem == Problem.None ? null : Describe(problem, feature, number, cell);
    }

    /// <summary>The rules on a parsed number, independent of how it was written.</summary>
    private static Problem Check(FeatureSpec feature, IReadOnlySet<string>? categories, RangePolicy outOfRange, double number)
    {
        if (!double.IsFinite(number))
        {
            return Problem.NotFinite;
        }

        if (feature.Type == FeatureType.Int)
        {
            if (number != Math.Floor(number))
            {
                return Problem.NotIntegral;
            }

            if (outOfRange == RangePolicy.Reject && InstanceValidator.OutsideCategories(categories, (long)number))
            {
                return Problem.NotACategory;
            }
        }

        if (outOfRange == RangePolicy.Reject && InstanceValidator.OutsideRange(feature, number))
        {
            return number < feature.Min ? Problem.BelowMin : Problem.AboveMax;
        }

        return Problem.None;
    }

    private static string Describe(Problem problem, FeatureSpec feature, double number, ReadOnlySpan<char> cell) => problem switch
    {
        Problem.NotFinite => $"expected a finite number, found '{UserText.Shorten(cell, 40)}'",
        Problem.NotIntegral => $"expected an integer, found '{UserText.Shorten(cell, 40)}'",
        Problem.NotACategory => $"'{UserText.Shorten(cell, 40)}' is not one of the declared categories",
        Problem.BelowMin => string.Create(CultureInfo.InvariantCulture, $"{number} is below the minimum {feature.Min}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{number} is above the maximum {feature.Max}"),
    };

    private static string NotANumber(FeatureSpec feature, ReadOnlySpan<char> cell) =>
        feature.Type == FeatureType.Int ? $"expected an integer, found '{UserText.Shorten(cell, 40)}'" : $"expected a number, found '{UserText.Shorten(cell, 40)}'";

    private static bool IsNaN(ReadOnlySpan<byte> value) =>
        value.Length == 3 && (value[0] | 0x20) == 'n' && (value[1] | 0x20) == 'a' && (value[2] | 0x20) == 'n';

    private enum Problem
    {
        None,
        NotFinite,
        NotIntegral,
        NotACategory,
        BelowMin,
        AboveMax,
    }
}
