using System.CommandLine;
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
        root.Subcommands.Add(ModelsCommands.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        return root;
    }
}
