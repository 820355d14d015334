using System.CommandLine;
using System.Globalization;
using System.Text;
using Shipyard.Models;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard models promote|canary|shadow|rollback</c>: routing changes made by the same <see cref="ModelRegistry"/>
/// methods the admin API calls (<see cref="ModelRegistry.PromoteAsync"/>, <see cref="ModelRegistry.SetRoutingAsync"/>,
/// <see cref="ModelRegistry.RollbackAsync"/>), so routing.json is written exactly as the server writes it: same history
/// rules, same readiness checks, and the same conditional write (If-Match the ETag read at start, If-None-Match * when
/// the store has none). A concurrent change makes the command fail with exit code 2 instead of overwriting it.
/// </summary>
internal static class ModelsRoutingCommands
{
    private static readonly string[] Aliases = ["production", "staging", "canary", "shadow"];

    public static IEnumerable<Command> Create(StoreOptions store)
    {
        yield return Promote(store);
        yield return Canary(store);
        yield return Shadow(store);
        yield return Rollback(store);
    }

    private static Command Promote(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var version = new Argument<string>("version") { Description = "Version to promote." };
        var alias = new Option<string>("--alias") { Description = "Alias to point at the version.", DefaultValueFactory = _ => "production" };
        alias.AcceptOnlyFromAmong(Aliases);
        var json = JsonOption();
        var command = new Command("promote", "Point production (or --alias staging|canary|shadow) at a version; the old production version goes onto the rollback history.")
        {
            name, version, alias, json,
        };
        store.AddTo(command, withModelsPath: true);
        command.SetAction((parseResult, cancellationToken) => ModelsCommands.RunAsync(parseResult, async output =>
        {
            var model = parseResult.GetRequiredValue(name);
            var target = parseResult.GetRequiredValue(version);
            ModelsCommands.ValidateModelName(model, "NAME");
            ModelsCommands.ValidateVersion(target, "VERSION");
            return await ChangeAsync(store, parseResult, model, json, output,
                registry => registry.PromoteAsync(model, parseResult.GetRequiredValue(alias), target, cancellationToken), cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Canary(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var version = new Argument<string?>("version") { Description = "Version to send a share of unpinned traffic to.", Arity = ArgumentArity.ZeroOrOne };
        var percent = new Option<double?>("--percent") { Description = $"Share of unpinned requests, 0-100 (default: the current canary's, else {ModelRegistry.DefaultCanaryPercent})." };
        var off = new Option<bool>("--off") { Description = "Remove the canary." };
        var json = JsonOption();
        var command = new Command("canary", "Send a share of unpinned traffic to a version (sticky per X-Request-Key), or remove the canary with --off.")
        {
            name, version, percent, off, json,
        };
        store.AddTo(command, withModelsPath: true);
        command.SetAction((parseResult, cancellationToken) => ModelsCommands.RunAsync(parseResult, async output =>
        {
            var model = parseResult.GetRequiredValue(name);
            ModelsCommands.ValidateModelName(model, "NAME");
            var target = VersionOrOff(parseResult.GetValue(version), parseResult.GetValue(off));
            var share = parseResult.GetValue(percent);
            if (target is null && share is not null)
            {
                throw new ArgumentException("--percent and --off contradict each other; give one of them.");
            }

            if (share is { } p && (!double.IsFinite(p) || p < 0 || p > 100))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--percent {p} is out of range; give a number from 0 to 100."));
            }

            return await ChangeAsync(store, parseResult, model, json, output, registry =>
                target is null ? registry.SetRoutingAsync(model, registry.GetRouting(model) with { Canary = null }, cancellationToken)
                : share is null ? registry.PromoteAsync(model, "canary", target, cancellationToken)
                : registry.SetRoutingAsync(model, registry.GetRouting(model) with { Canary = new CanaryRoute(target, share.Value) }, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Shadow(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var version = new Argument<string?>("version") { Description = "Version that re-scores production traffic after each response (logged only).", Arity = ArgumentArity.ZeroOrOne };
        var off = new Option<bool>("--off") { Description = "Remove the shadow." };
        var json = JsonOption();
        var command = new Command("shadow", "Let a version silently re-score production traffic (its predictions are only logged), or stop with --off.")
        {
            name, version, off, json,
        };
        store.AddTo(command, withModelsPath: true);
        command.SetAction((parseResult, cancellationToken) => ModelsCommands.RunAsync(parseResult, async output =>
        {
            var model = parseResult.GetRequiredValue(name);
            ModelsCommands.ValidateModelName(model, "NAME");
            var target = VersionOrOff(parseResult.GetValue(version), parseResult.GetValue(off));
            return await ChangeAsync(store, parseResult, model, json, output, registry =>
                target is null ? registry.SetRoutingAsync(model, registry.GetRouting(model) with { Shadow = null }, cancellationToken)
                : registry.PromoteAsync(model, "shadow", target, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Rollback(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var json = JsonOption();
        var command = new Command("rollback", "Set production back to the previous production version (from the routing history) and remove the canary.")
        {
            name, json,
        };
        store.AddTo(command, withModelsPath: true);
        command.SetAction((parseResult, cancellationToken) => ModelsCommands.RunAsync(parseResult, async output =>
        {
            var model = parseResult.GetRequiredValue(name);
            ModelsCommands.ValidateModelName(model, "NAME");
            return await ChangeAsync(store, parseResult, model, json, output, async registry =>
            {
                try
                {
                    return await registry.RollbackAsync(model, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException ex)
                {
                    // No history: the admin API answers 409 with the same message; here it is input to fix, not a race.
                    throw new ArgumentException(ex.Message, ex);
                }
            }, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> ChangeAsync(
        StoreOptions store, ParseResult parseResult, string model, Option<bool> json, TextWriter output,
        Func<ModelRegistry, Task<ModelRouting>> change, CancellationToken cancellationToken)
    {
        var (registry, description) = await store.OpenRegistryAsync(parseResult, cancellationToken).ConfigureAwait(false);
        await using (registry.ConfigureAwait(false))
        {
            if (registry.Find(model) is null)
            {
                var known = registry.List().Select(m => m.Name).ToArray();
                throw new ArgumentException($"Model '{model}' was not found in {description} or the bundled folder (models: {(known.Length == 0 ? "none" : string.Join(", ", known))}).");
            }

            var routing = await change(registry).ConfigureAwait(false);
            await output.WriteLineAsync(parseResult.GetValue(json)
                ? Encoding.UTF8.GetString(routing.ToUtf8Json())
                : $"{model} in {description}: {Describe(routing)}").ConfigureAwait(false);
            return 0;
        }
    }

    /// <summary>One line: <c>production 2 · staging - · canary 3 (10%) · shadow - · history 1</c>.</summary>
    internal static string Describe(ModelRouting routing) => string.Create(CultureInfo.InvariantCulture,
        $"production {routing.Production ?? "-"} · staging {routing.Staging ?? "-"} · canary {(routing.Canary is null ? "-" : $"{routing.Canary.Version} ({routing.Canary.Percent}%)")} · shadow {routing.Shadow ?? "-"} · history {(routing.History.Count == 0 ? "-" : string.Join(",", routing.History))}");

    private static string? VersionOrOff(string? version, bool off)
    {
        if (off == (version is not null))
        {
            throw new ArgumentException(off ? "Give either VERSION or --off, not both." : "Give a VERSION, or --off to remove it.");
        }

        if (version is not null)
        {
            ModelsCommands.ValidateVersion(version, "VERSION");
        }

        return version;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the new routing.json instead of a summary line." };
}
