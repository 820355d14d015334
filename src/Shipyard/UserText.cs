namespace Shipyard;

/// <summary>
/// Values a user sent, quoted back in error messages: cut to a length so that a megabyte-long name or cell cannot make
/// a megabyte-long message (or log line). The one place that cut is made.
/// </summary>
public static class UserText
{
    /// <summary><paramref name="value"/>, or its first <paramref name="max"/> characters followed by "…".</summary>
    public static string Shorten(string value, int max = 80)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");
    }

    /// <summary><paramref name="value"/> as a string, or its first <paramref name="max"/> characters followed by "…".</summary>
    public static string Shorten(ReadOnlySpan<char> value, int max = 80) =>
        value.Length <= max ? value.ToString() : string.Concat(value[..max], "…");
}
