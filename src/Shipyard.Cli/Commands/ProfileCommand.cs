using System.CommandLine;

namespace Shipyard.Cli.Commands;

/// <summary><c>shipyard profile</c>: writes a model version's baseline.json from its training data.</summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var command = new Command("profile", "Profile training data into models/NAME/VERSION/baseline.json (the drift baseline).");
        return command;
    }
}
