using System.CommandLine;
using Shipyard.Monitoring.Drift;

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
        return drift;
    }

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
