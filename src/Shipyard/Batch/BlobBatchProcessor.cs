using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Shipyard.Batch.Internals;
using Shipyard.Models;
using Shipyard.Storage;

namespace Shipyard.Batch;

/// <summary>
/// Runs a batch job for one blob of <c>batch-in/{model}/{file}</c>: claims the input version (so replicas and
/// retries never score it twice), picks the version (blob metadata <c>model_version</c>, else routing's production),
/// streams the blob through <see cref="BatchScorer"/>, and publishes <c>batch-out/{model}/{stem}.scored.csv</c>,
/// <c>{stem}.errors.csv</c> and, last, <c>{stem}.report.json</c>. The CSV outputs are uploaded while the job runs but
/// committed only when it ends (a faulted upload stream never commits), so a crash or fault leaves no partial file
/// under a final name. A storage fault abandons the attempt (the caller retries); after
/// <see cref="BatchOptions.MaxAttempts"/> faulted attempts at one input version the job ends with a failed report naming
/// the fault, so every input ends with exactly one report. Used by the BatchScore function and the standalone watcher.
/// Thread-safe singleton.
/// </summary>
public sealed partial class BlobBatchProcessor
{
    /// <summary>Where inputs are dropped.</summary>
    public const string InputContainer = "batch-in";

    /// <summary>Where outputs and claims go.</summary>
    public const string OutputContainer = "batch-out";

    /// <summary>Blob metadata naming the version to score with (wins over routing).</summary>
    public const string ModelVersionMetadata = "model_version";

    private readonly IBlobStore _store;
    private readonly ModelRegistry _registry;
    private readonly BatchScorer _scorer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _owner = BatchClaim.NewOwner();
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);

    // Faulted attempts per claim (that is, per input version) and the last fault; removed when the input gets its report.
    private readonly ConcurrentDictionary<string, (int Count, string Last)> _faults = new(StringComparer.Ordinal);
    private volatile bool _containersReady;

    /// <summary>Creates the processor.</summary>
    public BlobBatchProcessor(IBlobStore store, ModelRegistry registry, BatchScorer scorer, ILogger<BlobBatchProcessor> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _registry = registry;
        _scorer = scorer;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Scores <c>batch-in/<paramref name="blobName"/></c> unless that version was already scored or is being scored.</summary>
    /// <param name="blobName">The name inside <c>batch-in</c>: <c>{model}/{file}</c>.</param>
    /// <param name="cancellationToken">Cancels the job; nothing is published and the claim is released for a retry.</param>
    /// <returns>
    /// What happened. Bad input is a <see cref="BatchOutcomeKind.Completed"/> outcome with a failed report, never an
    /// exception; so is the last allowed attempt (<see cref="BatchOptions.MaxAttempts"/>) ending in a storage fault.
    /// </returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="Exception">A storage fault (transient) with attempts left: nothing was published; retry the call later.</exception>
    public async Task<BatchOutcome> ProcessAsync(string blobName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        if (!TrySplit(blobName, out var model, out var stem, out var problem))
        {
            LogIgnored(blobName, problem);
            return new BatchOutcome(BatchOutcomeKind.Ignored, problem);
        }

        var input = await _store.GetPropertiesAsync(InputContainer, blobName, cancellationToken).ConfigureAwait(false);
        if (input is null)
        {
            return new BatchOutcome(BatchOutcomeKind.Ignored, $"{InputContainer}/{blobName} no longer exists");
        }

        await EnsureContainersAsync(cancellationToken).ConfigureAwait(false);
        var claimName = BatchClaim.NameFor(model, stem, input.ETag);
        var (claim, notMine) = await BatchClaim.TryAcquireAsync(_store, claimName, _owner, _active.ContainsKey, _scorer.Options.ClaimTimeout, _time, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            LogSkipped(blobName, notMine!.Message);
            return notMine;
        }

        _active[claimName] = 0;
        await using (claim.ConfigureAwait(false))
        {
            try
            {
                claim.StartRenewing(_scorer.Options.ClaimRenewInterval, _time);
                BatchOutcome outcome;
                try
                {
                    outcome = _faults.TryGetValue(claimName, out var faults) && faults.Count >= _scorer.Options.MaxAttempts
                        ? await GiveUpAsync(model, stem, input, faults, cancellationToken).ConfigureAwait(false) // only the report is left to write
                        : await RunAsync(blobName, model, stem, input, claim, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsFault(e, cancellationToken) && CountFault(claimName, e) is var counted && counted.Count >= _scorer.Options.MaxAttempts)
                {
                    // The last allowed attempt faulted: end the input with a failed report naming the fault. If even that
                    // write fails, the claim is released below and the next call only writes the report.
                    outcome = await GiveUpAsync(model, stem, input, counted, cancellationToken).ConfigureAwait(false);
                }

                if (outcome.Kind == BatchOutcomeKind.Completed)
                {
                    await claim.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    _faults.TryRemove(claimName, out _);
                    LogCompleted(blobName, outcome.Report!.Status, outcome.Report.Rows.Read, outcome.Report.Rows.Scored, outcome.Report.Rows.Rejected, outcome.Report.Reason);
                }
                else
                {
                    await claim.ReleaseAsync().ConfigureAwait(false);
                }

                return outcome;
            }
            catch (Exception e)
            {
                // Cancelled or a storage fault: give the claim back so the retry runs the job from the start.
                await claim.ReleaseAsync().ConfigureAwait(false);
                LogAbandoned(e, blobName, _faults.GetValueOrDefault(claimName).Count, _scorer.Options.MaxAttempts);
                throw;
            }
            finally
            {
                _active.TryRemove(claimName, out _);
            }
        }
    }

    private async Task<BatchOutcome> RunAsync(string blobName, string model, string stem, BlobProperties input, BatchClaim claim, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var info = new BatchInputInfo(blobName, input.ETag, input.Length);
        input.Metadata.TryGetValue(ModelVersionMetadata, out var requested);
        var (lease, failure) = Lease(model, string.IsNullOrWhiteSpace(requested) ? null : requested.Trim());
        if (lease is null)
        {
            var failed = _scorer.FailedReport(model, requested, info, failure!, started);
            return await PublishAsync(model, stem, failed, null, null, cancellationToken).ConfigureAwait(false);
        }

        using (lease)
        {
            using var job = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, claim.Lost);
            BlobReadStream source;
            try
            {
                source = await _store.OpenReadAsync(InputContainer, blobName, new BlobReadOptions { IfMatch = input.ETag }, job.Token).ConfigureAwait(false);
            }
            catch (BlobConditionFailedException)
            {
                return new BatchOutcome(BatchOutcomeKind.Superseded, $"{InputContainer}/{blobName} changed before it was read; the new version is scored on its own");
            }
            catch (BlobNotFoundException)
            {
                return new BatchOutcome(BatchOutcomeKind.Ignored, $"{InputContainer}/{blobName} was deleted before it was read");
            }

            await using (source.ConfigureAwait(false))
            {
                var scored = new PendingUpload(_store, $"{model}/{stem}.scored.csv", "text/csv; charset=utf-8", job);
                var errors = new PendingUpload(_store, $"{model}/{stem}.errors.csv", "text/csv; charset=utf-8", job);
                BatchReport report;
                try
                {
                    report = await _scorer.ScoreAsync(lease, info, source, scored.Content, errors.Content, null, job.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    await scored.AbortAsync(e).ConfigureAwait(false);
                    await errors.AbortAsync(e).ConfigureAwait(false);
                    await scored.ThrowIfFailedAsync().ConfigureAwait(false);
                    await errors.ThrowIfFailedAsync().ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    if (claim.Lost.IsCancellationRequested)
                    {
                        return new BatchOutcome(BatchOutcomeKind.ClaimedElsewhere, $"the claim on {blobName} was taken over by another worker; stopped");
                    }

                    if (e is BlobConditionFailedException)
                    {
                        return new BatchOutcome(BatchOutcomeKind.Superseded, $"{InputContainer}/{blobName} was overwritten while being scored; the new version is scored on its own");
                    }

                    throw;
                }

                return await PublishAsync(model, stem, report, scored, errors, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/> counts as a faulted attempt: a storage (or other unexpected) failure. Cancellation
    /// of the call and a model that is still loading are waits, not faults.
    /// </summary>
    private bool IsFault(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested) && e is not ModelNotReadyException && _registry.IsReady;

    private (int Count, string Last) CountFault(string claimName, Exception e)
    {
        var last = $"{e.GetType().Name}: {e.Message}";
        return _faults.AddOrUpdate(claimName, (1, last), (_, f) => (f.Count + 1, last));
    }

    /// <summary>Publishes the failed report of an input whose attempts all ended in storage faults.</summary>
    private Task<BatchOutcome> GiveUpAsync(string model, string stem, BlobProperties input, (int Count, string Last) faults, CancellationToken cancellationToken)
    {
        var reason = $"gave up after {faults.Count} {(faults.Count == 1 ? "attempt" : "attempts")} that ended in a storage fault; the last: {faults.Last}";
        LogGaveUp(input.Name, reason);
        input.Metadata.TryGetValue(ModelVersionMetadata, out var requested);
        var report = _scorer.FailedReport(model, string.IsNullOrWhiteSpace(requested) ? null : requested.Trim(),
            new BatchInputInfo(input.Name, input.ETag, input.Length), reason, _time.GetUtcNow());
        return PublishAsync(model, stem, report, null, null, cancellationToken);
    }

    private async Task<BatchOutcome> PublishAsync(string model, string stem, BatchReport report, PendingUpload? scored, PendingUpload? errors, CancellationToken cancellationToken)
    {
        var publishScored = report.Status == BatchStatus.Succeeded;
        var publishErrors = report.Status != BatchStatus.Failed;
        string? scoredName = null, errorsName = null;
        if (scored is not null && publishScored)
        {
            await scored.CommitAsync().ConfigureAwait(false);
            scoredName = scored.Name;
        }
        else
        {
            await (scored?.DiscardAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            await _store.DeleteIfExistsAsync(OutputContainer, $"{model}/{stem}.scored.csv", null, cancellationToken).ConfigureAwait(false);
        }

        if (errors is not null && publishErrors)
        {
            await errors.CommitAsync().ConfigureAwait(false);
            errorsName = errors.Name;
        }
        else
        {
            await (errors?.DiscardAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            await _store.DeleteIfExistsAsync(OutputContainer, $"{model}/{stem}.errors.csv", null, cancellationToken).ConfigureAwait(false);
        }

        // The report goes last: its presence with this input's ETag is what says the outputs are complete.
        report = report with { Outputs = new BatchOutputNames(scoredName, errorsName) };
        await _store.UploadAsync(OutputContainer, $"{model}/{stem}.report.json", report.ToUtf8Json(),
            new BlobUploadOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
        return new BatchOutcome(BatchOutcomeKind.Completed, $"{report.Status.ToString().ToLowerInvariant()}: {report.Rows.Scored} of {report.Rows.Read} rows scored" + (report.Reason is null ? "" : $" ({report.Reason})"), report);
    }

    private (ModelLease? Lease, string? Failure) Lease(string model, string? version)
    {
        if (!_registry.IsReady)
        {
            throw new InvalidOperationException("The model registry is still loading; retry the batch job shortly.");
        }

        var info = _registry.Find(model);
        if (info is null)
        {
            var known = string.Join(", ", _registry.List().Select(m => m.Name));
            return (null, $"unknown model '{model}' (known models: {(known.Length == 0 ? "none" : known)}); put inputs under batch-in/{{model}}/");
        }

        version ??= info.Routing.Production;
        if (version is null)
        {
            return (null, $"model '{model}' has no production version; promote one or set the blob metadata {ModelVersionMetadata}");
        }

        var state = info.Versions.FirstOrDefault(v => v.Version == version);
        if (state is null)
        {
            return (null, $"model '{model}' has no version '{version}' (versions: {string.Join(", ", info.Versions.Select(v => v.Version))})");
        }

        if (state.State == ModelVersionState.Failed)
        {
            return (null, $"model '{model}' version {version} failed to load: {state.Error}");
        }

        // Loading: ModelNotReadyException propagates as transient, so the trigger retries once it is loaded.
        return (_registry.Acquire(model, version), null);
    }

    private async Task EnsureContainersAsync(CancellationToken cancellationToken)
    {
        if (!_containersReady)
        {
            await _store.CreateContainerIfNotExistsAsync(OutputContainer, cancellationToken).ConfigureAwait(false);
            _containersReady = true;
        }
    }

    /// <summary>Splits <c>{model}/{path}.{ext}</c> into the model and the output stem <c>{path}</c>.</summary>
    internal static bool TrySplit(string blobName, out string model, out string stem, out string problem)
    {
        model = stem = problem = "";
        var slash = blobName.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == blobName.Length - 1)
        {
            problem = $"'{blobName}' is not a batch input: put files at batch-in/{{model}}/{{file}}.csv";
            return false;
        }

        model = blobName[..slash];
        if (!ModelManifest.IsValidName(model))
        {
            problem = $"'{model}' in '{blobName}' is not a valid model name (lowercase letters, digits and '-')";
            return false;
        }

        var file = blobName[(slash + 1)..];
        var lastSlash = file.LastIndexOf('/');
        if (file[(lastSlash + 1)..].StartsWith('.'))
        {
            problem = $"'{blobName}' is a hidden file; not scored";
            return false;
        }

        var dot = file.LastIndexOf('.');
        stem = dot > lastSlash + 1 ? file[..dot] : file;

        // A name the store refuses for the input or its outputs ("m//x.csv", "m/a\..\x.csv", a trailing dot) could never
        // be read or published: say so once instead of failing (and being retried into the poison queue) every time.
        if ((BlobNames.GetBlobError(blobName) ?? BlobNames.GetBlobError($"{model}/{stem}.scored.csv")) is { } nameError)
        {
            problem = $"'{blobName}' is not a name the store accepts for a batch input and its outputs: {nameError}";
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch input {BlobName} ignored: {Problem}")]
    private partial void LogIgnored(string blobName, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch input {BlobName} skipped: {Reason}")]
    private partial void LogSkipped(string blobName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch input {BlobName} {Status}: {Read} rows read, {Scored} scored, {Rejected} rejected. {Reason}")]
    private partial void LogCompleted(string blobName, BatchStatus status, long read, long scored, long rejected, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch job for {BlobName} abandoned after {Faults} of {MaxAttempts} faulted attempts; nothing was published and it will run again on retry")]
    private partial void LogAbandoned(Exception exception, string blobName, int faults, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch input {BlobName} failed: {Reason}")]
    private partial void LogGaveUp(string blobName, string reason);
}
