using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Monitoring;
using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Drift;
using Shipyard.Storage;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard drift compare</c> (two CSV files → the DESIGN.md §3 JSON) and <c>shipyard drift run</c>
/// (one drift check of a model against its baseline on the configured store).
/// </summary>
internal static class DriftCommands
{
    public static Command Create()
    {
        var drift = new Command("drift", "Compare data distributions: a current dataset against a reference or a model's baseline.");
        drift.Subcommands.Add(CreateCompare());
        drift.Subcommands.Add(CreateRun());
        return drift;
    }

    private static Command CreateRun()
    {
        var model = new Option<string>("--model") { Description = "Model name.", Required = true };
        var version = new Option<string?>("--version") { Description = "Version to check (default: the production and canary versions of routing.json)." };
        var window = new Option<string>("--window") { Description = "Window of prediction logs, e.g. 24h, 90m, 7d (default: DRIFT_WINDOW or 24h).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DRIFT_WINDOW") ?? "24h" };
        var modelsPath = new Option<DirectoryInfo>("--models-path") { Description = "Folder of model packages (baseline.json, routing.json).", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var minimumRows = new Option<long>("--minimum-rows") { Description = "Fewer records give insufficient-data.", DefaultValueFactory = _ => 50 };
        var command = new Command("run", "Run one drift check of a model's live inputs (prediction logs on the configured store) against its baseline; writes drift-reports and prints the verdict.")
        {
            model, version, window, modelsPath, minimumRows,
        };
        var storeOptions = new StoreOptions();
        storeOptions.AddTo(command, withModelsPath: false);
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, async stdout =>
        {
            var name = parseResult.GetRequiredValue(model);
            ProfileCommand.ValidateName(name, "--model");
            var root = parseResult.GetRequiredValue(modelsPath).FullName;
            var versions = parseResult.GetValue(version) is { } v ? [v] : RoutedVersions(Path.Combine(root, name, "routing.json"));
            var (store, storage, _) = storeOptions.Open(parseResult);
            await stdout.WriteLineAsync($"store:   {storage.Description}").ConfigureAwait(false);
            var notifier = new RetrainNotifier(storage.CreateMessageQueue(), NullLogger<RetrainNotifier>.Instance);
            var options = new DriftMonitorOptions { Window = ParseWindow(parseResult.GetRequiredValue(window)), MinimumRows = parseResult.GetValue(minimumRows) };
            var monitor = new DriftMonitor(store, notifier, NullLogger<DriftMonitor>.Instance, options);
            var exit = 0;
            foreach (var versionName in versions)
            {
                ProfileCommand.ValidateName(versionName, "--version");
                var baselinePath = Path.Combine(root, name, versionName, "baseline.json");
                if (!File.Exists(baselinePath))
                {
                    throw new FileNotFoundException($"No baseline for {name} v{versionName}: {baselinePath} (create it with shipyard profile).");
                }

                var result = await monitor.CheckAsync(BaselineProfileJson.Read(baselinePath), cancellationToken: cancellationToken).ConfigureAwait(false);
                var report = result.Report;
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{name} v{versionName}: {report.Status} ({report.Rows} records, {report.WindowStart:u} – {report.WindowEnd:u}){(result.RetrainRequested ? "; retrain requested" : string.Empty)}")).ConfigureAwait(false);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {"feature",-28} {"drifted",-8} {"test",-20} {"score",12} {"JS",8}")).ConfigureAwait(false);
                foreach (var feature in report.Features)
                {
                    var d = feature.Drift;
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {d.Name,-28} {(d.Drifted ? "yes" : "no"),-8} {d.Decision.Method,-20} {d.Decision.Score,12:G4} {feature.DriftScore,8:F4}")).ConfigureAwait(false);
                }

                await stdout.WriteLineAsync($"  report: drift-reports/{result.JsonBlobName} (+ .html)").ConfigureAwait(false);
                await notifier.WhenWebhooksCompleteAsync().ConfigureAwait(false);
                exit = Math.Max(exit, report.Status == Monitoring.Reports.DriftStatus.Drift ? 3 : 0);
            }

            return exit;
        }));
        return command;
    }

    // production + canary versions from routing.json (DESIGN.md §3 routing contract).
    private static List<string> RoutedVersions(string routingPath)
    {
        if (!File.Exists(routingPath))
        {
            throw new FileNotFoundException($"No routing for the model: {routingPath} does not exist; pass --version.");
        }

        using var routing = JsonDocument.Parse(File.ReadAllText(routingPath));
        var versions = new List<string>();
        if (routing.RootElement.TryGetProperty("production", out var production) && production.ValueKind == JsonValueKind.String)
        {
            versions.Add(production.GetString()!);
        }

        if (routing.RootElement.TryGetProperty("canary", out var canary) && canary.ValueKind == JsonValueKind.Object && canary.TryGetProperty("version", out var canaryVersion) && canaryVersion.GetString() is { } c && !versions.Contains(c))
        {
            versions.Add(c);
        }

        return versions.Count > 0 ? versions : throw new InvalidDataException($"{routingPath} names no production or canary version; pass --version.");
    }

    /// <summary>Parses 24h, 90m, 7d, 30s or a TimeSpan (01:00:00), as DRIFT_WINDOW is parsed.</summary>
    internal static TimeSpan ParseWindow(string text) => DriftWindow.TryParse(text, out var window)
        ? window
        : throw new ArgumentException($"--window '{text}' is not a duration; use e.g. 24h, 90m, 7d or 01:00:00.");

    private static Command CreateCompare()
    {
        var reference = new Option<FileInfo>("--reference") { Description = "Reference CSV (header row; for example the training data).", Required = true };
        var current = new Option<FileInfo>("--current") { Description = "Current CSV with the same columns.", Required = true };
        var categorical = new Option<string?>("--categorical") { Description = "Comma-separated columns to treat as categorical (text columns are categorical anyway)." };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the JSON result (default: standard output)." };
        var command = new Command("compare", "Compare two CSV files column by column: KS, Wasserstein, PSI, Jensen–Shannon, chi-square, drift verdicts.")
        {
            reference, current, categorical, output,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, async stdout =>
        {
            var referenceFile = parseResult.GetRequiredValue(reference);
            var currentFile = parseResult.GetRequiredValue(current);
            RequireFile(referenceFile, "--reference");
            RequireFile(currentFile, "--current");
            var names = (parseResult.GetValue(categorical) ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var comparison = DriftCalculator.CompareCsv(referenceFile.FullName, currentFile.FullName, names);
            var json = DriftComparisonJson.ToJson(comparison);
            if (parseResult.GetValue(output) is { } outputFile)
            {
                await AtomicFile.WriteAllTextAsync(outputFile.FullName, json, cancellationToken).ConfigureAwait(false);
                var drifted = comparison.Features.Count(f => f.Drifted);
                await stdout.WriteLineAsync($"{(comparison.DatasetDrift.Drifted ? "drift" : "no drift")}: {drifted} of {comparison.Features.Count} features drifted; wrote {outputFile.FullName}").ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteLineAsync(json).ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    internal static void RequireFile(FileInfo file, string option)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{option}: file not found: {file.FullName}");
        }
    }
}
