using System.CommandLine;
using System.CommandLine.Parsing;
using Shipyard.Cli.Commands;

namespace Shipyard.Cli;

/// <summary>
/// The <c>shipyard</c> command tree. Each command group lives in its own file under <c>Commands/</c> and
/// contributes one <see cref="Command"/>; add a group by adding a line here.
/// </summary>
public static class ShipyardCli
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Shipyard: serve ONNX models, score batches, monitor drift, manage the model registry.");
        root.Subcommands.Add(DriftCommands.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(ModelsCommands.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse gets its errors on stderr and exit
    /// code 1, without echoing the values it could not place (see <see cref="ParseErrorText"/>).
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        var parseResult = CreateRootCommand().Parse(args);
        if (parseResult.Errors.Count == 0)
        {
            return await parseResult.InvokeAsync(configuration).ConfigureAwait(false);
        }

        var error = configuration?.Error ?? Console.Error;
        foreach (var parseError in parseResult.Errors)
        {
            await error.WriteLineAsync($"error: {ParseErrorText.Redact(parseError.Message, parseResult.UnmatchedTokens, args)}").ConfigureAwait(false);
        }

        await error.WriteLineAsync($"Run '{CommandPath(parseResult.CommandResult)} --help' for usage.").ConfigureAwait(false);
        return CommandErrors.BadInput;
    }

    // "shipyard models list" for the command the parser got to.
    private static string CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (SymbolResult? result = command; result is CommandResult current; result = current.Parent)
        {
            names.Push(current.Command is RootCommand ? "shipyard" : current.Command.Name);
        }

        return string.Join(' ', names);
    }
}
