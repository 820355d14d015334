using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Shipyard.Monitoring.Evaluation;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard evaluate --model NAME [--window 7d] [--until T] [--output F] [--html F]</c>: the evaluation report of a model (its
/// logged predictions joined with their outcomes, per version and arm, and the canary's verdict) from the configured
/// store — the same document <c>GET /api/models/{name}/evaluation</c> answers. Exit 0, or 3 when the verdict is "roll back".
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model name.", Required = true };
        var window = new Option<string?>("--window") { Description = "Predictions made in the last window, e.g. 24h, 7d (default: Shipyard:Evaluation:Window or 7d)." };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the report JSON (default: standard output)." };
        var html = new Option<FileInfo?>("--html") { Description = "Also write the report as a self-contained HTML page." };
        var minimum = new Option<long?>("--minimum-outcomes") { Description = "Outcomes canary and production each need before a verdict (default: Shipyard:Evaluation:MinimumOutcomes or 100)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "End of the window (ISO 8601, default now): evaluate a past window again." };
        var command = new Command("evaluate", "Evaluate a model's versions against the outcomes posted for their predictions: metrics, intervals, estimates and the canary's verdict.")
        {
            model, window, until, minimum, output, html,
        };
        var storeOptions = new StoreOptions();
        storeOptions.AddTo(command, withModelsPath: true);
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, async stdout =>
        {
            var name = parseResult.GetRequiredValue(model);
            ProfileCommand.ValidateName(name, "--model");
            TimeSpan? span = parseResult.GetValue(window) is { } text ? DriftCommands.ParseWindow(text) : null;
            var (registry, store, options, description) = await storeOptions.OpenRegistryWithStoreAsync(parseResult, cancellationToken).ConfigureAwait(false);
            await using (registry.ConfigureAwait(false))
            {
                if (parseResult.GetValue(minimum) is { } outcomes)
                {
                    options.Evaluation.MinimumOutcomes = outcomes > 0 ? outcomes : throw new ArgumentException("--minimum-outcomes must be at least 1.");
                }

                var report = await new EvaluationService(registry, store, Options.Create(options)).EvaluateAsync(name, span, parseResult.GetValue(until)?.ToUniversalTime(), cancellationToken).ConfigureAwait(false);
                var json = Encoding.UTF8.GetString(EvaluationReportJson.Write(report));
                if (parseResult.GetValue(output) is { } file)
                {
                    await AtomicFile.WriteAllTextAsync(file.FullName, json, cancellationToken).ConfigureAwait(false);
                    await stdout.WriteLineAsync($"store:   {description}").ConfigureAwait(false);
                    await stdout.WriteLineAsync($"report:  {file.FullName}").ConfigureAwait(false);
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"verdict: {report.Comparison?.Verdict ?? "no canary"}")).ConfigureAwait(false);
                }
                else
                {
                    await stdout.WriteLineAsync(json).ConfigureAwait(false);
                }

                if (parseResult.GetValue(html) is { } page)
                {
                    await AtomicFile.WriteAllTextAsync(page.FullName, EvaluationReportHtml.Render(report), cancellationToken).ConfigureAwait(false);
                }

                return report.Comparison?.Verdict == VersionComparison.RollBack ? 3 : 0;
            }
        }));
        return command;
    }
}
