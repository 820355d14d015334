using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Streaming.Internals;
using Shipyard.Telemetry;

namespace Shipyard.Streaming;

/// <summary>
/// One delivery of a request message, exactly as the queue trigger and the standalone poller share it:
/// skip an id answered within the retention window, claim it, score, send the result (<c>replyTo</c> through
/// <see cref="IMessageQueue"/>; the default <c>score-results</c> too, unless the Functions host writes it from the
/// output binding), then mark it done. Throws on transient failures so the queue redelivers. Thread-safe singleton.
/// </summary>
/// <remarks>
/// Remaining windows (see docs/streaming.md): a crash after a result is sent and before the marker says done makes the
/// redelivery score and send again (two identical results for one id; consumers dedupe on <c>id</c>). Under the host, a
/// redelivery of the same queue message whose marker is done re-emits the stored result to the output binding, because
/// the host may have failed between our answer and its output write.
/// </remarks>
public sealed class StreamProcessor(StreamScorer scorer, StreamDeduplicator deduplicator, IMessageQueue queue, StreamOptions options, IShipyardTelemetry? telemetry = null)
{
    /// <summary>Processes one delivery.</summary>
    /// <param name="text">The message text.</param>
    /// <param name="queueMessageId">The queue's message id of this delivery.</param>
    /// <param name="hostWritesDefaultOutput">True under the Functions host: a result for <c>score-results</c> is returned in
    /// <see cref="StreamOutcome.PendingDefaultOutput"/> for the output binding instead of being sent.</param>
    /// <param name="cancellationToken">Cancels the work (the delivery is then retried).</param>
    /// <exception cref="Shipyard.Models.ModelNotReadyException">Transient: retry.</exception>
    /// <exception cref="StreamMessageBusyException">Another delivery of the same id is in progress: retry.</exception>
    public async Task<StreamOutcome> ProcessAsync(string text, string queueMessageId, bool hostWritesDefaultOutput, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(queueMessageId);
        var message = StreamScorer.Parse(text, out var id, out var errors);
        if (id is not null)
        {
            // Memory first, then straight to the conditional claim: a done marker in the store makes the claim fail and is
            // returned by it, so a separate read of the marker would only add a storage round trip to every new message.
            var done = deduplicator.FindRemembered(id);
            if (done is null)
            {
                // Claim for longer than a delivery can legitimately take, so a dead owner's claim is taken over eventually.
                var blocking = await deduplicator.TryClaimAsync(id, queueMessageId, options.VisibilityTimeout * 2, cancellationToken).ConfigureAwait(false);
                if (blocking is { Done: false })
                {
                    throw new StreamMessageBusyException(id);
                }

                done = blocking;
            }

            if (done is not null)
            {
                return Duplicate(done, queueMessageId, hostWritesDefaultOutput);
            }
        }

        var result = message is null
            ? new StreamResult(id, StreamQueues.ResultQueue, StreamResultWriter.Error(id, StreamScorer.InvalidMessageType, "The message is not a valid scoring request.", errors), StreamResultKind.Rejected)
            : await scorer.ScoreAsync(message, cancellationToken).ConfigureAwait(false);
        string? pending = null;
        if (result.IsDefaultQueue && hostWritesDefaultOutput)
        {
            pending = result.Text;
        }
        else
        {
            result = await SendAsync(result, hostWritesDefaultOutput, cancellationToken).ConfigureAwait(false);
            pending = result.IsDefaultQueue && hostWritesDefaultOutput ? result.Text : null;
        }

        if (id is not null)
        {
            await deduplicator.CompleteAsync(new StreamMarker(id, queueMessageId, Done: true, result.Queue, result.Text, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
        }

        telemetry?.TrackMetric("StreamMessageProcessed", 1, new Dictionary<string, string> { ["outcome"] = result.Kind.ToString() });
        return new StreamOutcome(result, Duplicate: false, pending);
    }

    /// <summary>Sends to the result's queue; a <c>replyTo</c> queue that does not exist turns into an error result on the default queue.</summary>
    private async Task<StreamResult> SendAsync(StreamResult result, bool hostWritesDefaultOutput, CancellationToken cancellationToken)
    {
        try
        {
            await queue.SendAsync(result.Queue, result.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (QueueNotFoundException) when (!result.IsDefaultQueue)
        {
            // Queues are provisioned, not created from message content (and the app's identity may not be allowed to).
            var error = new StreamResult(result.Id, StreamQueues.ResultQueue, StreamResultWriter.Error(result.Id, StreamScorer.InvalidMessageType, "The message is not a valid scoring request.", [new InputError("replyTo", $"queue '{result.Queue}' does not exist")]), StreamResultKind.Rejected);
            if (!hostWritesDefaultOutput)
            {
                await queue.SendAsync(error.Queue, error.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return error;
        }
    }

    private static StreamOutcome Duplicate(StreamMarker done, string queueMessageId, bool hostWritesDefaultOutput)
    {
        var result = new StreamResult(done.Id, done.Queue ?? StreamQueues.ResultQueue, done.Result ?? string.Empty, StreamResultKind.Scored);

        // The same delivery again after we answered the host: the host may have failed before writing the output binding.
        var reEmit = hostWritesDefaultOutput && done.QueueMessageId == queueMessageId && result.IsDefaultQueue && done.Result is not null;
        return new StreamOutcome(result, Duplicate: true, reEmit ? done.Result : null);
    }
}
