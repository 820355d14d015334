using System.CommandLine;

namespace Shipyard.Cli.Commands;

/// <summary>
/// Runs a command body and turns the failures a user can fix (bad files, bad arguments) into one line on
/// stderr and exit code 1, instead of a stack trace. Anything else is a bug and propagates.
/// </summary>
internal static class CommandErrors
{
    /// <summary>Exit code for input the user must fix.</summary>
    public const int BadInput = 1;

    /// <summary>Exit code for a conditional write that lost a race (someone else changed the same thing): run it again.</summary>
    public const int Conflict = 2;

    public static async Task<int> RunAsync(ParseResult parseResult, Func<TextWriter, Task<int>> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return await body(output).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException or FormatException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return BadInput;
        }
    }
}
