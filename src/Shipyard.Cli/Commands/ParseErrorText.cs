namespace Shipyard.Cli.Commands;

/// <summary>
/// Keeps secrets out of parse errors. System.CommandLine quotes every token it could not place
/// ("Unrecognized command or argument 'AccountKey=…'"), so a misspelled <c>--connection-string</c> would print the
/// connection string that followed it to the terminal and to CI logs. Shown as typed: option names (without
/// anything after an <c>=</c>) and short plain words such as a misspelled command (up to 40 letters, digits,
/// <c>.</c>, <c>_</c> or <c>-</c>: connection strings, SAS tokens and account keys always contain <c>=</c>, <c>;</c>,
/// <c>&amp;</c>, <c>+</c> or <c>/</c>, or are longer). Any other token is named by its position on the command line.
/// </summary>
internal static class ParseErrorText
{
    private const int MaxShownWord = 40;

    public static string Redact(string message, IReadOnlyList<string> unmatchedTokens, string[] args)
    {
        foreach (var token in unmatchedTokens)
        {
            var quoted = $"'{token}'";
            if (token.Length == 0 || !message.Contains(quoted, StringComparison.Ordinal))
            {
                continue;
            }

            var shown = token.StartsWith('-')
                ? $"'{(token.IndexOf('=', StringComparison.Ordinal) is var equals and > 0 ? token[..equals] + "=…" : token)}'"
                : IsPlainWord(token) ? quoted : $"#{Array.IndexOf(args, token) + 1} (its value is not shown: it may be a secret)";
            message = message.Replace(quoted, shown, StringComparison.Ordinal);
        }

        return message;
    }

    private static bool IsPlainWord(string token) =>
        token.Length <= MaxShownWord && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
