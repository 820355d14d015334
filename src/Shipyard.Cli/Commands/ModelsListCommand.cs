using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shipyard.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard models list [--json] [--data-path P | --connection-string S] [--models-path M]</c>: every model the server
/// would serve from this store and bundled folder, each version's state (loaded here with the real runtime, as the
/// server loads it), and the routing. <c>--json</c> prints <c>{"store","models":[{"name","routing","versions"}]}</c>,
/// the routing exactly as routing.json holds it (history included).
/// </summary>
internal static class ModelsListCommand
{
    public static Command Create(StoreOptions store)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "List models, versions and routing (production, staging, canary, shadow).") { json };
        store.AddTo(command, withModelsPath: true);
        command.SetAction((parseResult, cancellationToken) => ModelsCommands.RunAsync(parseResult, async output =>
        {
            var (registry, description) = await store.OpenRegistryAsync(parseResult, cancellationToken).ConfigureAwait(false);
            await using (registry.ConfigureAwait(false))
            {
                var models = registry.List();
                if (parseResult.GetValue(json))
                {
                    await output.WriteLineAsync(ToJson(description, models)).ConfigureAwait(false);
                }
                else
                {
                    WriteTable(output, description, registry.BundledPath, models);
                }

                return 0;
            }
        }));
        return command;
    }

    private static string ToJson(string description, IReadOnlyList<ModelInfo> models)
    {
        var array = new JsonArray();
        foreach (var model in models)
        {
            var versions = new JsonArray();
            foreach (var v in model.Versions.OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture)))
            {
                versions.Add(new JsonObject
                {
                    ["version"] = v.Version,
                    ["state"] = v.State.ToString().ToLowerInvariant(),
                    ["source"] = v.Source.ToString().ToLowerInvariant(),
                    ["task"] = v.Manifest is null ? null : JsonSerializer.SerializeToNode(v.Manifest.Task), // kebab-case, as in model.json
                    ["sha256"] = v.Sha256,
                    ["error"] = v.Error,
                });
            }

            array.Add(new JsonObject
            {
                ["name"] = model.Name,
                ["routing"] = JsonNode.Parse(model.Routing.ToUtf8Json()),
                ["versions"] = versions,
            });
        }

        return new JsonObject { ["store"] = description, ["models"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static void WriteTable(TextWriter output, string description, string? bundledPath, IReadOnlyList<ModelInfo> models)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        console.WriteLine($"store:   {description}");
        console.WriteLine($"bundled: {bundledPath ?? "(none)"}");
        if (models.Count == 0)
        {
            console.WriteLine("no models");
            return;
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("MODEL", "VERSION", "STATE", "SOURCE", "ROUTING", "SHA-256", "ERROR");
        foreach (var model in models)
        {
            foreach (var v in model.Versions.OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture)))
            {
                table.AddRow(new IRenderable[]
                {
                    new Text(model.Name), new Text(v.Version), new Text(v.State.ToString().ToLowerInvariant()),
                    new Text(v.Source.ToString().ToLowerInvariant()), new Text(Routes(model.Routing, v.Version)),
                    new Text(v.Sha256 is { Length: > 12 } sha ? sha[..12] : v.Sha256 ?? ""), new Text(v.Error ?? ""),
                });
            }
        }

        console.Write(table);
        foreach (var model in models.Where(m => m.Routing.Production is null))
        {
            console.WriteLine($"{model.Name}: no production version (unpinned predictions answer 503)");
        }
    }

    /// <summary>The aliases pointing at <paramref name="version"/>: "production", "canary 10%", …</summary>
    internal static string Routes(ModelRouting routing, string version)
    {
        var routes = new List<string>(4);
        if (routing.Production == version)
        {
            routes.Add("production");
        }

        if (routing.Staging == version)
        {
            routes.Add("staging");
        }

        if (routing.Canary?.Version == version)
        {
            routes.Add(string.Create(CultureInfo.InvariantCulture, $"canary {routing.Canary.Percent}%"));
        }

        if (routing.Shadow == version)
        {
            routes.Add("shadow");
        }

        return string.Join(", ", routes);
    }
}
