using Microsoft.Extensions.Options;
using Shipyard.Batch;
using Shipyard.Models;
using Shipyard.Storage;

namespace Shipyard.Functions.Batch;

/// <summary>
/// Standalone stand-in for the BatchScore blob trigger: lists <c>batch-in</c> every
/// <see cref="BatchWatcherOptions.PollInterval"/> and hands each blob to <see cref="BlobBatchProcessor"/>, whose
/// per-ETag claim makes it skip what was already scored and lets several replicas poll the same container safely.
/// </summary>
public sealed partial class BatchWatcher(
    IBlobStore store,
    ModelRegistry registry,
    BlobBatchProcessor processor,
    IOptions<BatchWatcherOptions> options,
    ILogger<BatchWatcher> logger) : BackgroundService
{
    /// <summary>One pass over <c>batch-in</c> (what each poll does); returns the outcomes of the blobs it processed.</summary>
    public async Task<IReadOnlyList<BatchOutcome>> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var outcomes = new List<BatchOutcome>();
        await store.CreateContainerIfNotExistsAsync(BlobBatchProcessor.InputContainer, cancellationToken).ConfigureAwait(false);
        await foreach (var blob in store.ListAsync(BlobBatchProcessor.InputContainer, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                outcomes.Add(await processor.ProcessAsync(blob.Name, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Transient: the claim was released; the next poll retries this blob.
                LogRetryLater(e, blob.Name);
            }
        }

        return outcomes;
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
                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch input {BlobName} will be retried at the next poll")]
    private partial void LogRetryLater(Exception exception, string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling batch-in failed; retrying at the next interval")]
    private partial void LogPollFailed(Exception exception);
}
