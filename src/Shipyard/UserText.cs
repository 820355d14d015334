using System.Text.Json;

namespace Shipyard;

/// <summary>
/// Values a user sent, as error messages show them: quoted, cut to a length so that a megabyte-long name or cell
/// cannot make a megabyte-long message (or log line), or, for JSON, named by kind ("expected an array, got a string").
/// The one place both are done.
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

    /// <summary>A JSON value's kind as a message names it: "an object", "an array", "a string", "a number", "a boolean", "null".</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
