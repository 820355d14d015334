using System.Text.Json;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Streaming.Internals;

namespace Shipyard.Streaming;

/// <summary>
/// Turns a request message's text into its result message through the real-time <see cref="PredictionService"/>
/// (so routing, canary, shadow, prediction logging and telemetry apply; source <c>stream</c>). Final failures — a
/// malformed message, invalid instances, an unknown model or version, a bad <c>replyTo</c> — become error results;
/// transient ones (<see cref="ModelNotReadyException"/>, storage or runtime faults) are thrown so the delivery is retried.
/// A <c>replyTo</c> must be <see cref="StreamQueues.ResultQueue"/> or listed in <see cref="StreamOptions.ReplyQueues"/>.
/// Thread-safe singleton.
/// </summary>
public sealed class StreamScorer(PredictionService predictions, StreamOptions? options = null)
{
    private readonly HashSet<string> _replyQueues = new(options?.ReplyQueues ?? [], StringComparer.Ordinal) { StreamQueues.ResultQueue };

    /// <summary>Error type of a message that is not a valid request.</summary>
    public const string InvalidMessageType = "invalid-message";

    /// <summary>Error type of instances that fail the model's validation.</summary>
    public const string InvalidInputType = "invalid-input";

    /// <summary>Error type of an unknown model or version.</summary>
    public const string ModelNotFoundType = "model-not-found";

    /// <summary>Parses the message (null when it is not a valid request) and the id it carries, if any could be read.</summary>
    public static StreamMessage? Parse(string text, out string? id, out IReadOnlyList<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument? document = null;
        try
        {
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
            }

            var message = StreamMessageParser.TryParse(document, out id, out var list);
            errors = list;
            return message;
        }
        finally
        {
            document?.Dispose();
        }
    }

    /// <summary>Scores one message.</summary>
    /// <exception cref="ModelNotReadyException">The model is loading or has no serving version: retry later.</exception>
    public async Task<StreamResult> ScoreAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var message = Parse(text, out var id, out var errors);
        if (message is null)
        {
            return new StreamResult(id, StreamQueues.ResultQueue, StreamResultWriter.Error(id, InvalidMessageType, "The message is not a valid scoring request.", errors), StreamResultKind.Rejected);
        }

        return await ScoreAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scores a parsed message.</summary>
    /// <exception cref="ModelNotReadyException">The model is loading or has no serving version: retry later.</exception>
    public async Task<StreamResult> ScoreAsync(StreamMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var queue = message.ReplyTo ?? StreamQueues.ResultQueue;
        if (!_replyQueues.Contains(queue))
        {
            return new StreamResult(message.Id, StreamQueues.ResultQueue, StreamResultWriter.Error(message.Id, InvalidMessageType, "The message is not a valid scoring request.",
                [new InputError("replyTo", $"'{queue}' is not a reply queue of this app; omit replyTo for '{StreamQueues.ResultQueue}' or list the queue in Shipyard:Streaming:ReplyQueues")]), StreamResultKind.Rejected);
        }

        try
        {
            var response = await predictions.PredictAsync(
                new PredictionRequest
                {
                    Model = message.Model,
                    Version = message.Version,
                    Instances = PredictionInstances.From(message.Instances),
                    RequestKey = message.Id, // sticky canary assignment per message id: a redelivery lands on the same version
                    Source = PredictionSource.Stream,
                },
                cancellationToken).ConfigureAwait(false);
            return new StreamResult(message.Id, queue, StreamResultWriter.Predictions(message.Id, response), StreamResultKind.Scored);
        }
        catch (InvalidInputException e)
        {
            return new StreamResult(message.Id, queue, StreamResultWriter.Error(message.Id, InvalidInputType, "The instances are invalid for the model.", e.Errors, e.Truncated), StreamResultKind.Rejected);
        }
        catch (ModelNotFoundException e)
        {
            var path = e.Version is null ? "model" : "version";
            return new StreamResult(message.Id, queue, StreamResultWriter.Error(message.Id, ModelNotFoundType, "The model or version does not exist.", [new InputError(path, e.Message)]), StreamResultKind.Rejected);
        }
    }
}
