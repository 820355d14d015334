using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Shipyard.Models;
using Shipyard.Scoring;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard models push --path models/NAME/VERSION [--data-path P | --connection-string S]</c>: validates the package
/// with the registry's own checks (<see cref="ModelPackage.Validate"/>: manifest, SHA-256, ONNX Runtime load, graph
/// inputs/outputs) and writes it to the store's <c>models</c> container with create-only writes
/// (<see cref="ModelPackage.PublishAsync"/>). Nothing is written unless every check passed; an existing version is never
/// overwritten. Routing is not changed: promote the version afterwards. The server picks the version up at its next poll.
/// </summary>
internal static class ModelsPushCommand
{
    public static Command Create(StoreOptions store)
    {
        var path = new Option<DirectoryInfo>("--path") { Description = "The package folder, models/NAME/VERSION (model.json, model.onnx, optional baseline.json, samples.csv).", Required = true };
        var command = new Command("push", "Validate a model package and upload it to the store as a new version (never overwrites).") { path };
        store.AddTo(command, withModelsPath: false);
        command.SetAction((parseResult, cancellationToken) => ModelsCommands.RunAsync(parseResult, async output =>
        {
            var folder = parseResult.GetRequiredValue(path);
            var (blobStore, storage, configuration) = store.Open(parseResult);
            var description = storage.Description;
            var limits = new ScoringLimits();
            configuration.GetSection($"{ShipyardOptions.SectionName}:Limits").Bind(limits);

            // Validation happens before the store is touched: a bad package writes nothing.
            var (package, ignored) = await ModelPackage.ReadDirectoryAsync(folder.FullName, limits.MaxPackageBytes, cancellationToken).ConfigureAwait(false);
            foreach (var name in ignored)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"note: {name} is not part of a model package; not uploaded").ConfigureAwait(false);
            }

            await package.PublishAsync(blobStore, cancellationToken).ConfigureAwait(false);
            var bytes = package.Files.Values.Sum(f => (long)f.Length);
            await output.WriteLineAsync($"pushed {package.Name} version {package.Version} ({string.Join(", ", package.Files.Keys.Order(StringComparer.Ordinal))}; {bytes:N0} bytes; sha256 {package.Manifest.Sha256}) to {description}").ConfigureAwait(false);
            await output.WriteLineAsync($"routing unchanged; to serve it: shipyard models promote {package.Name} {package.Version}").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
