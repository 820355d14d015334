using System.CommandLine;
using Shipyard.Models;
using Shipyard.Storage;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard models list|push|promote|canary|shadow|rollback</c>: the model registry in the configured store, through
/// the same code the server and its admin API use (<see cref="ModelPackage"/> for packages, <see cref="ModelRegistry"/>
/// for routing and its conditional writes). Exit codes: 0 done, 1 refused (bad input, invalid package, version exists,
/// unknown model or version, nothing to roll back), 2 routing changed concurrently (re-run the command).
/// </summary>
internal static class ModelsCommands
{
    /// <summary>Builds the <c>models</c> group. <paramref name="decorateStore"/> wraps the store (tests inject races).</summary>
    public static Command Create(Func<IBlobStore, IBlobStore>? decorateStore = null)
    {
        var store = new StoreOptions(decorateStore);
        var command = new Command("models", "The model registry: list models, push packages, change routing (production, canary, shadow, rollback).");
        command.Subcommands.Add(ModelsListCommand.Create(store));
        command.Subcommands.Add(ModelsPushCommand.Create(store));
        foreach (var routing in ModelsRoutingCommands.Create(store))
        {
            command.Subcommands.Add(routing);
        }

        return command;
    }

    /// <summary>Runs a models command body, turning the registry's refusals into one <c>error:</c> line each (never a
    /// stack trace) and their exit code; anything unexpected still propagates (a bug).</summary>
    public static Task<int> RunAsync(ParseResult parseResult, Func<TextWriter, Task<int>> body) =>
        CommandErrors.RunAsync(parseResult, async output =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                return await body(output).ConfigureAwait(false);
            }
            catch (PackageInvalidException ex)
            {
                foreach (var problem in ex.Errors)
                {
                    await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                }

                return CommandErrors.BadInput;
            }
            catch (ManifestException ex)
            {
                foreach (var problem in ex.Errors)
                {
                    await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                }

                return CommandErrors.BadInput;
            }
            catch (RoutingConflictException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message} Nothing was changed by this command; run it again.").ConfigureAwait(false);
                return CommandErrors.Conflict;
            }
            catch (Exception ex) when (ex is ModelNotFoundException or ModelNotReadyException or BlobNotFoundException)
            {
                await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return CommandErrors.BadInput;
            }
        });

    /// <summary>Refuses a model name the registry would not accept (the same rule as the manifest and the HTTP routes).</summary>
    public static void ValidateModelName(string name, string argument)
    {
        if (!ModelManifest.IsValidName(name))
        {
            throw new ArgumentException($"{argument} '{UserText.Shorten(name)}' is not a valid model name (lowercase letters, digits and '-', 1-64 characters).");
        }
    }

    /// <summary>Refuses a version the registry would not accept.</summary>
    public static void ValidateVersion(string version, string argument)
    {
        if (!ModelManifest.IsValidVersion(version))
        {
            throw new ArgumentException($"{argument} '{UserText.Shorten(version)}' is not a valid version (a positive integer without leading zeros, such as 1).");
        }
    }
}
