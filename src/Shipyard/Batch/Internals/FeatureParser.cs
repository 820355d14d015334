using System.Globalization;
using Shipyard.Models;

namespace Shipyard.Batch.Internals;

/// <summary>
/// Turns one CSV cell into a feature value, with the same rules as a JSON instance: numbers in invariant culture,
/// integers integral, an empty cell (or NaN) is a missing value, allowed only for optional features (fed as NaN /
/// 0 / ""); min/max and categories only enforced when the manifest says <c>outOfRange: reject</c>.
/// </summary>
/// <remarks>
/// The domain's JSON instance validation is not public (Scoring/Internals, written against <c>JsonElement</c>), so the
/// CSV text rules live here; keep the two in step (same messages for the same problems).
/// </remarks>
internal static class FeatureParser
{
    private const NumberStyles Styles = NumberStyles.Float;

    /// <summary>Parses <paramref name="cell"/> for <paramref name="feature"/>.</summary>
    /// <returns>Null when valid (the value in <paramref name="number"/> or <paramref name="text"/>), else the reason.</returns>
    public static string? Parse(FeatureSpec feature, RangePolicy outOfRange, ReadOnlySpan<char> cell, out double number, out string? text)
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
            if (outOfRange == RangePolicy.Reject && feature.Categories is { Count: > 0 } categories && !categories.Contains(text, StringComparer.Ordinal))
            {
                return $"'{Shorten(text)}' is not one of the declared categories";
            }

            return null;
        }

        if (trimmed.IsEmpty || IsNaN(trimmed))
        {
            number = feature.Type == FeatureType.Int ? 0 : double.NaN;
            return feature.Required ? "required feature is missing" : null;
        }

        if (!double.TryParse(trimmed, Styles, CultureInfo.InvariantCulture, out number))
        {
            return feature.Type == FeatureType.Int ? $"expected an integer, found '{Shorten(cell)}'" : $"expected a number, found '{Shorten(cell)}'";
        }

        if (!double.IsFinite(number))
        {
            return $"expected a finite number, found '{Shorten(cell)}'";
        }

        if (feature.Type == FeatureType.Int)
        {
            if (number != Math.Floor(number))
            {
                return $"expected an integer, found '{Shorten(cell)}'";
            }

            if (outOfRange == RangePolicy.Reject && feature.Categories is { Count: > 0 } categories &&
                !categories.Contains(((long)number).ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal))
            {
                return $"'{Shorten(cell)}' is not one of the declared categories";
            }
        }

        if (outOfRange == RangePolicy.Reject)
        {
            if (number < feature.Min)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{number} is below the minimum {feature.Min}");
            }

            if (number > feature.Max)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{number} is above the maximum {feature.Max}");
            }
        }

        return null;
    }

    private static bool IsNaN(ReadOnlySpan<char> value) =>
        value.Equals("NaN", StringComparison.OrdinalIgnoreCase);

    private static string Shorten(ReadOnlySpan<char> value) => value.Length > 40 ? string.Concat(value[..40], "…") : value.ToString();
}
