using Microsoft.Extensions.Options;
using Shipyard.Batch;
using Shipyard.Models;
using Shipyard.Storage;

namespace Shipyard.Server.Batch;

/// <summary>
/// Standalone stand-in for the BatchScore blob trigger: lists <c>batch-in</c> every
/// <see cref="BatchWatcherOptions.PollInterval"/> and hands each blob to <see cref="BlobBatchProcessor"/>, whose
/// per-ETag claim makes it skip what was already scored and lets several replicas poll the same container safely.
/// Like the Functions host's retry policy, it tries an input version whose attempt faulted again only after an
/// exponential backoff (<see cref="BatchWatcherOptions.RetryDelay"/> doubling up to
/// <see cref="BatchWatcherOptions.MaxRetryDelay"/>); the processor ends it with a failed report once its attempts are
/// used up. A new upload of the name (new ETag) is tried at the next poll.
/// </summary>
public sealed partial class BatchWatcher(
    IBlobStore store,
    ModelRegistry registry,
    BlobBatchProcessor processor,
    IOptions<BatchWatcherOptions> options,
    ILogger<BatchWatcher> logger,
    TimeProvider? time = null) : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Inputs whose last attempt faulted, by name and ETag: how many faults in a row and when to try again.
    private readonly Dictionary<(string Name, string ETag), (int Faults, DateTimeOffset NotBefore)> _backoff = [];
    private bool _inputReady; // batch-in created once; again after a failed pass (the container deleted meanwhile)

    /// <summary>
    /// One pass over <c>batch-in</c> (what each poll does); returns the outcomes of the blobs it processed (not those
    /// still waiting out a backoff). Passes must not overlap.
    /// </summary>
    public async Task<IReadOnlyList<BatchOutcome>> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var outcomes = new List<BatchOutcome>();
        var listed = new HashSet<(string, string)>();
        if (!_inputReady)
        {
            await store.CreateContainerIfNotExistsAsync(BlobBatchProcessor.InputContainer, cancellationToken).ConfigureAwait(false);
            _inputReady = true;
        }

        await foreach (var blob in store.ListAsync(BlobBatchProcessor.InputContainer, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var key = (blob.Name, blob.ETag);
            listed.Add(key);
            _backoff.TryGetValue(key, out var backoff);
            if (_time.GetUtcNow() < backoff.NotBefore)
            {
                continue;
            }

            try
            {
                outcomes.Add(await processor.ProcessAsync(blob.Name, cancellationToken).ConfigureAwait(false));
                _backoff.Remove(key);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Transient: the claim was released; try this version again after the backoff.
                var delay = RetryDelay(backoff.Faults + 1);
                _backoff[key] = (backoff.Faults + 1, _time.GetUtcNow() + delay);
                LogRetryLater(e, blob.Name, delay);
            }
        }

        // Forget versions that are gone (deleted or overwritten): a new version starts without a backoff.
        foreach (var gone in _backoff.Keys.Where(k => !listed.Contains(k)).ToList())
        {
            _backoff.Remove(gone);
        }

        return outcomes;
    }

    /// <summary>The wait after the <paramref name="faults"/>-th fault in a row: RetryDelay × 2^(faults−1), capped.</summary>
    private TimeSpan RetryDelay(int faults)
    {
        var first = options.Value.RetryDelay > TimeSpan.Zero ? options.Value.RetryDelay : TimeSpan.FromSeconds(10);
        var cap = options.Value.MaxRetryDelay > first ? options.Value.MaxRetryDelay : first;
        return TimeSpan.FromTicks((long)Math.Min(cap.Ticks, first.Ticks * Math.Pow(2, Math.Min(faults - 1, 30))));
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval > TimeSpan.Zero ? options.Value.PollInterval : TimeSpan.FromSeconds(10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (registry.IsReady)
                {
                    await PollOnceAsync(stoppingToken).ConfigureAwait(false);
                }

                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPollFailed(e);
                _inputReady = false;
                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch input {BlobName} will be retried in {Delay}")]
    private partial void LogRetryLater(Exception exception, string blobName, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling batch-in failed; retrying at the next interval")]
    private partial void LogPollFailed(Exception exception);
}
