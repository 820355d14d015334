using System.CommandLine;
using Azure;
using Azure.Identity;

namespace Shipyard.Cli.Commands;

/// <summary>
/// Runs a command body and turns the failures a user can fix (bad files, bad arguments, a store that cannot be
/// reached or refuses the credentials) into one line on stderr and exit code 1, instead of a stack trace. Anything
/// else is a bug and propagates.
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
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AuthenticationFailedException or CredentialUnavailableException)
        {
            // Storage or sign-in failures: the message names the service error; requests are signed in headers, so
            // no key appears in it.
            await error.WriteLineAsync($"error: the store could not be used: {ex.Message}").ConfigureAwait(false);
            return BadInput;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0 && ex.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException))
        {
            // Azure.Core's retry policy gives up with every attempt's failure; the last one says enough.
            await error.WriteLineAsync($"error: the store could not be used: {ex.InnerExceptions[^1].Message} (gave up after {ex.InnerExceptions.Count} attempts)").ConfigureAwait(false);
            return BadInput;
        }
    }
}
