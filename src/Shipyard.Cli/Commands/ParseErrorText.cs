namespace Shipyard.Cli.Commands;

/// <summary>
/// Keeps secrets out of parse errors. System.CommandLine quotes every token it could not place
/// ("Unrecognized command or argument 'AccountKey=…'"), so a misspelled <c>--connection-string</c> would print the
/// connection string that followed it to the terminal and to CI logs. Shown as typed, since they are what the user
/// needs to see and cannot be keys: lowercase option names (<c>--conection-string</c>, also the name part of
/// <c>--conection-string=…</c> or <c>--conection-string:…</c>) and short lowercase words such as a misspelled command
/// (up to 24 of <c>a-z 0-9 . _ -</c>; account keys, SAS tokens and connection strings have capitals, <c>=</c>,
/// <c>;</c>, <c>&amp;</c>, <c>+</c> or <c>/</c>, or are longer). Any other token is named by its position only.
/// </summary>
internal static class ParseErrorText
{
    private const int MaxShownWord = 24;
    private const int MaxShownOption = 40;

    public static string Redact(string message, IReadOnlyList<string> unmatchedTokens, string[] args)
    {
        foreach (var token in unmatchedTokens.Where(t => t.Length > 0))
        {
            message = message.Replace($"'{token}'", Shown(token, args), StringComparison.Ordinal);
        }

        return message;
    }

    private static string Shown(string token, string[] args)
    {
        if (IsPlainWord(token))
        {
            return $"'{token}'";
        }

        if (token.StartsWith('-') && OptionName(token) is { Length: > 0 } name)
        {
            return name.Length == token.Length ? $"'{name}'" : $"'{name}…'";
        }

        var position = Array.IndexOf(args, token);
        return position >= 0
            ? $"#{position + 1} (its value is not shown: it may be a secret)"
            : "(a token from a response file; its value is not shown: it may be a secret)";
    }

    // "--name" of "--name", "--name=value" or "--name:value" (lowercase letters, digits and dashes); "" for anything else,
    // such as a key glued to a short option ("-kAbC…").
    private static string OptionName(string token)
    {
        var dashes = token.StartsWith("--", StringComparison.Ordinal) ? 2 : 1;
        var end = dashes;
        while (end < token.Length && IsNameChar(token[end]))
        {
            end++;
        }

        var separated = end == token.Length || token[end] is '=' or ':';
        return end > dashes && end <= MaxShownOption && separated ? token[..end] : "";
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-';

    private static bool IsPlainWord(string token) =>
        token.Length <= MaxShownWord && !token.StartsWith('-') && token.All(c => IsNameChar(c) || c is '.' or '_');
}
