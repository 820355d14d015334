using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Shipyard.Streaming;
using Shipyard.Telemetry;

namespace Shipyard.Functions.Streaming;

/// <summary>
/// <c>StreamScore</c>: one message of <c>score-requests</c> scored by <see cref="StreamProcessor"/>. Its result for
/// <c>score-results</c> is the queue output (the host writes it after the invocation succeeds); a <c>replyTo</c> result is
/// sent directly. A thrown exception fails the invocation and the host redelivers it, up to <c>maxDequeueCount</c>
/// (host.json / STREAM_MAX_DEQUEUE), then moves it to <c>score-requests-poison</c>; that last failure is reported as the
/// <c>StreamMessagePoisoned</c> event the alert rule counts.
/// </summary>
public sealed class StreamScoreFunction(StreamProcessor processor, StreamOptions options, IShipyardTelemetry telemetry)
{
    /// <summary>The function name.</summary>
    public const string Name = "StreamScore";

    /// <summary>Scores one request message; returns the text for <c>score-results</c>, or null when nothing is to be written.</summary>
    [Function(Name)]
    [QueueOutput(StreamQueues.ResultQueue)]
    public async Task<string?> RunAsync([QueueTrigger(StreamQueues.RequestQueue)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var outcome = await processor.ProcessAsync(message.Body.ToString(), message.MessageId, hostWritesDefaultOutput: true, cancellationToken).ConfigureAwait(false);
            return outcome.PendingDefaultOutput;
        }
        catch (Exception e) when (message.DequeueCount >= options.MaxDequeueCount && e is not OperationCanceledException)
        {
            telemetry.TrackPoisoned(message.MessageId, message.DequeueCount, e.GetType().Name, "functions-host");
            throw;
        }
    }
}
