using Shipyard.Models;
using Shipyard.Storage;
using Shipyard.Streaming;
using Shipyard.Telemetry;

namespace Shipyard.Server.Streaming;

/// <summary>
/// Standalone stand-in for the StreamScore queue trigger, with the host's semantics: receive up to
/// <see cref="StreamOptions.BatchSize"/> messages hidden for <see cref="StreamOptions.VisibilityTimeout"/>, delete on
/// success, make visible again after <see cref="StreamOptions.RetryDelay"/> on failure, move to
/// <c>score-requests-poison</c> after <see cref="StreamOptions.MaxDequeueCount"/> failed deliveries, back off
/// exponentially while the queue is empty. Several replicas may poll the same queue.
/// </summary>
public sealed partial class StreamQueuePoller(
    IMessageQueue queue,
    StreamProcessor processor,
    StreamOptions options,
    ModelRegistry registry,
    IShipyardTelemetry telemetry,
    ILogger<StreamQueuePoller> logger) : BackgroundService
{
    /// <summary>Creates the request, poison and result queues unless they exist (provisioned in Azure; needed on Azurite and files).</summary>
    public async Task EnsureQueuesAsync(CancellationToken cancellationToken = default)
    {
        foreach (var name in (string[])[StreamQueues.RequestQueue, StreamQueues.PoisonQueue, StreamQueues.ResultQueue])
        {
            await queue.CreateQueueIfNotExistsAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One receive and the processing of what it returned; returns how many messages were received.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var messages = await queue.ReceiveAsync(StreamQueues.RequestQueue, options.BatchSize, options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(messages.Select(m => HandleAsync(m, cancellationToken))).ConfigureAwait(false);
        return messages.Count;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = options.MinPollInterval;
        var queuesReady = false; // created once; again after a failed poll (a queue deleted meanwhile)
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!registry.IsReady)
                {
                    await Task.Delay(options.MinPollInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (!queuesReady)
                {
                    await EnsureQueuesAsync(stoppingToken).ConfigureAwait(false);
                    queuesReady = true;
                }

                if (await PollOnceAsync(stoppingToken).ConfigureAwait(false) > 0)
                {
                    idle = options.MinPollInterval;
                    continue;
                }

                await Task.Delay(idle, stoppingToken).ConfigureAwait(false);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaxPollInterval.Ticks));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPollFailed(e);
                queuesReady = false;
                await Task.Delay(options.MaxPollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            // Its last delivery died without an answer (crash): the host would poison it now too.
            await MoveToPoisonAsync(message, "delivery limit exceeded", cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await processor.ProcessAsync(message.Text, message.MessageId, hostWritesDefaultOutput: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(e, message.MessageId, message.DequeueCount);
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, e.GetType().Name, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await TryReleaseAsync(message, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await TryDeleteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        // Send first, then delete: a crash in between leaves a copy in both queues (never none).
        await queue.SendAsync(StreamQueues.PoisonQueue, message.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
        await TryDeleteAsync(message, cancellationToken).ConfigureAwait(false);
        LogPoisoned(message.MessageId, message.DequeueCount, reason);
        telemetry.TrackPoisoned(message.MessageId, message.DequeueCount, reason, "standalone");
    }

    private async Task TryDeleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteAsync(StreamQueues.RequestQueue, message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (QueueMessageNotFoundException)
        {
            // Its visibility ran out and another receive owns it now; that delivery finds the done marker and skips it.
        }
    }

    private async Task TryReleaseAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.UpdateAsync(StreamQueues.RequestQueue, message.MessageId, message.PopReceipt, options.RetryDelay, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (QueueMessageNotFoundException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream message {MessageId} failed on delivery {DequeueCount}")]
    private partial void LogFailed(Exception exception, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream message {MessageId} moved to score-requests-poison after {DequeueCount} deliveries ({Reason})")]
    private partial void LogPoisoned(string messageId, long dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling score-requests failed; retrying after the longest poll interval")]
    private partial void LogPollFailed(Exception exception);
}
