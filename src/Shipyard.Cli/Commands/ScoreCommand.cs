using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Shipyard.Batch;
using Shipyard.Models;
using Shipyard.Storage;
using Spectre.Console;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard score --model NAME [--version V] --input in.csv --output out.csv [--errors errors.csv] [--models-path models]</c>:
/// the batch pipeline on local files (same parser, chunking, validation and report as the BatchScore function), with a
/// progress bar. The scored file appears only when the job succeeds (written to a temporary name, then renamed).
/// Exit code 0 when the job succeeded, 1 when it failed or was rejected (the report says why) or the arguments are bad.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model name (folder under the models path).", Required = true };
        var version = new Option<string?>("--version") { Description = "Model version; default: the production version from routing.json." };
        var input = new Option<FileInfo>("--input") { Description = "CSV to score (header row with the feature columns, any order; extra columns are passed through).", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Scored CSV: the input columns, then prediction (and probability_<label> per class).", Required = true };
        var errors = new Option<FileInfo?>("--errors") { Description = "Rejected rows: row (1-based, header excluded), column, reason." };
        var modelsPath = new Option<DirectoryInfo>("--models-path") { Description = "Folder of model packages.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var command = new Command("score", "Score a CSV file with a model (the batch pipeline on local files).")
        {
            model, version, input, output, errors, modelsPath,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, stdout => RunAsync(
            parseResult.GetRequiredValue(model), parseResult.GetValue(version), parseResult.GetRequiredValue(input), parseResult.GetRequiredValue(output),
            parseResult.GetValue(errors), parseResult.GetRequiredValue(modelsPath), stdout, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string name, string? version, FileInfo input, FileInfo output, FileInfo? errors, DirectoryInfo modelsPath, TextWriter stdout, CancellationToken cancellationToken)
    {
        ProfileCommand.ValidateName(name, "--model");
        if (version is not null)
        {
            ProfileCommand.ValidateName(version, "--version");
        }

        DriftCommands.RequireFile(input, "--input");
        if (!modelsPath.Exists)
        {
            throw new ArgumentException($"--models-path '{modelsPath.FullName}' does not exist.");
        }

        // The registry loads the bundled packages (checksums verified) from --models-path; its store is a throwaway folder.
        var scratch = Path.Combine(Path.GetTempPath(), $"shipyard-score-{Guid.NewGuid():N}");
        await using var registry = new ModelRegistry(new FileBlobStore(scratch),
            Options.Create(new ShipyardOptions { ModelsPath = modelsPath.FullName, DataPath = scratch, RegistryPollInterval = TimeSpan.Zero }));
        try
        {
            await registry.StartAsync(cancellationToken).ConfigureAwait(false);
            var info = registry.Find(name) ?? throw new ArgumentException($"--model '{name}': no such model in {modelsPath.FullName} (models: {string.Join(", ", registry.List().Select(m => m.Name))}).");
            version ??= info.Routing.Production ?? throw new ArgumentException($"--model '{name}' has no production version; pass --version.");
            var state = info.Versions.FirstOrDefault(v => v.Version == version)
                ?? throw new ArgumentException($"--version '{version}': model '{name}' has versions {string.Join(", ", info.Versions.Select(v => v.Version))}.");
            if (state.State != ModelVersionState.Ready)
            {
                throw new InvalidDataException($"model '{name}' version {version} did not load: {state.Error}");
            }

            using var lease = registry.Acquire(name, version);
            var scorer = new BatchScorer(new BatchOptions());
            var scoredTemp = output.FullName + $".{Environment.ProcessId}.tmp";
            var errorsTemp = errors is null ? null : errors.FullName + $".{Environment.ProcessId}.tmp";
            BatchReport report;
            try
            {
                await using (var source = new FileStream(input.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
                await using (var scored = new FileStream(scoredTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await using (var rejected = errorsTemp is null ? Stream.Null : new FileStream(errorsTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    var inputInfo = new BatchInputInfo(input.FullName, null, input.Length);
                    report = await WithProgressAsync(input.Length, progress =>
                        scorer.ScoreAsync(lease, inputInfo, source, scored, rejected, progress, cancellationToken)).ConfigureAwait(false);
                }

                var publishScored = report.Status == BatchStatus.Succeeded;
                var publishErrors = errorsTemp is not null && report.Status != BatchStatus.Failed;
                if (publishScored)
                {
                    File.Move(scoredTemp, output.FullName, overwrite: true);
                }

                if (publishErrors)
                {
                    File.Move(errorsTemp!, errors!.FullName, overwrite: true);
                }

                report = report with { Outputs = new BatchOutputNames(publishScored ? output.FullName : null, publishErrors ? errors!.FullName : null) };
            }
            finally
            {
                File.Delete(scoredTemp);
                if (errorsTemp is not null)
                {
                    File.Delete(errorsTemp);
                }
            }

            await stdout.WriteLineAsync(Encoding.UTF8.GetString(report.ToUtf8Json())).ConfigureAwait(false);
            return report.Status == BatchStatus.Succeeded ? 0 : CommandErrors.BadInput;
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static async Task<BatchReport> WithProgressAsync(long totalBytes, Func<IProgress<BatchProgress>?, Task<BatchReport>> run)
    {
        // Progress by bytes read (the row count is unknown until the end); rows/s in the description.
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await run(null).ConfigureAwait(false);
        }

        BatchReport? report = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("scoring", maxValue: Math.Max(1, totalBytes));
                var progress = new InlineProgress(p =>
                {
                    task.Value = p.BytesRead;
                    var rate = p.Elapsed.TotalSeconds > 0 ? p.Rows.Read / p.Elapsed.TotalSeconds : 0;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.Rows.Read:N0} rows, {rate:N0} rows/s");
                });
                report = await run(progress).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return report!;
    }

    private sealed class InlineProgress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
