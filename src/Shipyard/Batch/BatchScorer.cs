using System.Diagnostics;
using System.Globalization;
using Shipyard.Batch.Internals;
using Shipyard.Models;
using Shipyard.Telemetry;

namespace Shipyard.Batch;

/// <summary>
/// Scores one CSV input stream with one model version into a scored stream and an errors stream, and says how it
/// went in a <see cref="BatchReport"/>. Storage-agnostic: the CLI gives it files, <see cref="BlobBatchProcessor"/>
/// gives it blobs and decides from the report what to publish. Thread-safe; one instance can run many jobs.
/// </summary>
public sealed class BatchScorer
{
    private readonly IShipyardTelemetry _telemetry;
    private readonly TimeProvider _time;

    /// <summary>Creates a scorer.</summary>
    /// <param name="options">Chunk size, error-rate limit, CSV limits; defaults when null.</param>
    /// <param name="telemetry">Receives <c>BatchStarted</c>/<c>BatchCompleted</c> events and the <c>RowsPerSecond</c> metric.</param>
    /// <param name="time">Clock for the report's timestamps.</param>
    public BatchScorer(BatchOptions? options = null, IShipyardTelemetry? telemetry = null, TimeProvider? time = null)
    {
        Options = options ?? new BatchOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ChunkRows, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxAttempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.QueueDepth, 1, nameof(options));
        _telemetry = telemetry ?? NullShipyardTelemetry.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The options jobs run with.</summary>
    public BatchOptions Options { get; }

    /// <summary>
    /// Reads <paramref name="source"/> to its end (or to the first unrecoverable problem), writing the scored CSV to
    /// <paramref name="scoredOutput"/> and the rejected rows to <paramref name="errorsOutput"/> (neither is disposed).
    /// Publish the outputs only when the report's status is <see cref="BatchStatus.Succeeded"/>.
    /// </summary>
    /// <returns>The report; its <see cref="BatchReport.Outputs"/> is for the caller to fill in.</returns>
    /// <exception cref="OperationCanceledException">Cancelled; the outputs are incomplete and must be discarded.</exception>
    /// <exception cref="IOException">Reading or writing failed; retry the whole job.</exception>
    public Task<BatchReport> ScoreAsync(
        ModelLease lease,
        BatchInputInfo input,
        Stream source,
        Stream scoredOutput,
        Stream errorsOutput,
        IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return ScoreAsync(lease.Manifest, () => OnnxChunkScorer.Create(lease), input, source, scoredOutput, errorsOutput, progress, cancellationToken);
    }

    /// <summary>A failed report for a job that could not start (unknown model, no production version, …).</summary>
    public BatchReport FailedReport(string model, string? version, BatchInputInfo input, string reason, DateTimeOffset started)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(input);
        var report = new BatchReport
        {
            Model = model,
            Version = version,
            Input = input,
            Rows = new BatchRowCounts(0, 0, 0),
            Started = started,
            Finished = _time.GetUtcNow(),
            Status = BatchStatus.Failed,
            Reason = reason,
            ChunkRows = Options.ChunkRows,
            MaxErrorRate = Options.MaxErrorRate,
        };
        TrackCompleted(report);
        return report;
    }

    internal async Task<BatchReport> ScoreAsync(
        ModelManifest manifest,
        Func<IChunkScorer> createScorer,
        BatchInputInfo input,
        Stream source,
        Stream scoredOutput,
        Stream errorsOutput,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scoredOutput);
        ArgumentNullException.ThrowIfNull(errorsOutput);

        var started = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        _telemetry.TrackEvent("BatchStarted", new Dictionary<string, string>
        {
            ["model"] = manifest.Name,
            ["version"] = manifest.Version,
            ["input"] = input.Name,
        });

        BatchRunResult result;
        var scorer = createScorer();
        try
        {
            await using var scored = new CsvWriter(scoredOutput, leaveOpen: true);
            await using var errors = new CsvWriter(errorsOutput, leaveOpen: true);
            result = await BatchPipeline.RunAsync(source, manifest, scorer, scored, errors, Options,
                progress is null ? null : progress.Report, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            (scorer as IDisposable)?.Dispose();
        }

        var elapsed = clock.Elapsed;
        var rows = result.Rows;
        var (status, reason) = Decide(result);
        var report = new BatchReport
        {
            Model = manifest.Name,
            Version = manifest.Version,
            Input = input,
            Rows = rows,
            Started = started,
            Finished = _time.GetUtcNow(),
            RowsPerSecond = elapsed > TimeSpan.Zero ? Math.Round(rows.Read / elapsed.TotalSeconds, 1) : 0,
            Status = status,
            Reason = reason,
            ChunkRows = Options.ChunkRows,
            MaxErrorRate = Options.MaxErrorRate,
        };
        TrackCompleted(report);
        return report;
    }

    private (BatchStatus Status, string? Reason) Decide(BatchRunResult result)
    {
        if (result.FailureReason is { } failure)
        {
            return (BatchStatus.Failed, failure);
        }

        var rows = result.Rows;
        var rate = rows.Read == 0 ? 0 : (double)rows.Rejected / rows.Read;
        if (rate > Options.MaxErrorRate)
        {
            return (BatchStatus.Rejected, string.Create(CultureInfo.InvariantCulture,
                $"{rows.Rejected} of {rows.Read} rows ({rate * 100:0.0}%) are invalid, more than BATCH_MAX_ERROR_RATE ({Options.MaxErrorRate * 100:0.0}%); see the errors file"));
        }

        return (BatchStatus.Succeeded, null);
    }

    private void TrackCompleted(BatchReport report)
    {
        var properties = new Dictionary<string, string>
        {
            ["model"] = report.Model,
            ["version"] = report.Version ?? "",
            ["input"] = report.Input.Name,
            ["status"] = report.Status.ToString().ToLowerInvariant(),
            ["rowsRead"] = report.Rows.Read.ToString(CultureInfo.InvariantCulture),
            ["rowsScored"] = report.Rows.Scored.ToString(CultureInfo.InvariantCulture),
            ["rowsRejected"] = report.Rows.Rejected.ToString(CultureInfo.InvariantCulture),
        };
        if (report.Reason is not null)
        {
            properties["reason"] = report.Reason;
        }

        _telemetry.TrackEvent("BatchCompleted", properties);
        if (report.Rows.Read > 0)
        {
            _telemetry.TrackMetric("RowsPerSecond", report.RowsPerSecond, new Dictionary<string, string>
            {
                ["model"] = report.Model,
                ["version"] = report.Version ?? "",
            });
        }
    }
}
