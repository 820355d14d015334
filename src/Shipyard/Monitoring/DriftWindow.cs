using System.Globalization;

namespace Shipyard.Monitoring;

/// <summary>The drift window setting (<c>DRIFT_WINDOW</c>, <c>shipyard drift run --window</c>): one parser for both.</summary>
public static class DriftWindow
{
    /// <summary>
    /// Parses a window: a whole number with unit <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>24h</c>, <c>90m</c>, <c>7d</c>),
    /// or a TimeSpan in invariant format (<c>1.00:00:00</c>, <c>01:30:00</c>). Must be positive.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(text);
        window = default;
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && char.IsAsciiLetter(trimmed[^1])
            && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            try
            {
                window = char.ToLowerInvariant(trimmed[^1]) switch
                {
                    's' => TimeSpan.FromSeconds(amount),
                    'm' => TimeSpan.FromMinutes(amount),
                    'h' => TimeSpan.FromHours(amount),
                    'd' => TimeSpan.FromDays(amount),
                    _ => TimeSpan.Zero,
                };
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        else if (!trimmed.Contains(':', StringComparison.Ordinal) || !TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out window))
        {
            return false;
        }

        return window > TimeSpan.Zero;
    }
}
