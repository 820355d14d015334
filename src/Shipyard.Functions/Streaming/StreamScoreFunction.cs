using System.Globalization;
using System.Text.Json;
using Shipyard.Functions.CustomHandler;
using Shipyard.Streaming;
using Shipyard.Telemetry;

namespace Shipyard.Functions.Streaming;

/// <summary>
/// The <c>StreamScore</c> queue-trigger invocation (functions/StreamScore/function.json): the host POSTs
/// <c>{"Data":{"message":"&lt;text&gt;"},"Metadata":{"DequeueCount":…,"Id":"…",…}}</c> to <c>/StreamScore</c>
/// (https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#request-payload). A result for
/// <c>score-results</c> goes back in <c>Outputs.result</c> (the queue output binding); a <c>replyTo</c> result is sent
/// directly. A thrown exception fails the invocation and the host redelivers, up to <c>maxDequeueCount</c>
/// (= STREAM_MAX_DEQUEUE), then moves the message to <c>score-requests-poison</c>.
/// </summary>
public static class StreamScoreFunction
{
    /// <summary>The function (folder) name.</summary>
    public const string Name = "StreamScore";

    /// <summary>The trigger binding's name in function.json.</summary>
    public const string TriggerBinding = "message";

    /// <summary>The queue output binding's name in function.json.</summary>
    public const string OutputBinding = "result";

    /// <summary>Maps <c>POST /StreamScore</c>.</summary>
    public static RouteHandlerBuilder MapStreamScore(this IEndpointRouteBuilder endpoints) => endpoints.MapInvocation(Name, RunAsync);

    /// <summary>Handles one queue-trigger invocation.</summary>
    public static async Task<InvocationResponse?> RunAsync(InvocationRequest request, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var text = request.GetDataString(TriggerBinding)
            ?? throw new InvalidOperationException($"The invocation has no '{TriggerBinding}' binding in Data; check functions/{Name}/function.json.");
        var messageId = MetadataString(request, "Id") ?? throw new InvalidOperationException("The invocation has no 'Id' in Metadata (the queue message id).");
        var dequeueCount = MetadataNumber(request, "DequeueCount") ?? 1;
        var services = context.Services;
        var options = services.GetRequiredService<StreamOptions>();
        var processor = services.GetRequiredService<StreamProcessor>();
        try
        {
            var outcome = await processor.ProcessAsync(text, messageId, hostWritesDefaultOutput: true, context.CancellationToken).ConfigureAwait(false);
            context.Log(outcome.Duplicate
                ? $"{Name}: message {messageId} (id '{outcome.Result?.Id}') was already answered; {(outcome.PendingDefaultOutput is null ? "skipped" : "result re-emitted")}."
                : $"{Name}: message {messageId} (id '{outcome.Result?.Id}') → {outcome.Result?.Kind} on {outcome.Result?.Queue}.");
            var outputs = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (outcome.PendingDefaultOutput is { } output)
            {
                outputs[OutputBinding] = output;
            }

            return new InvocationResponse(outputs, [], null);
        }
        catch (Exception e) when (dequeueCount >= options.MaxDequeueCount && e is not OperationCanceledException)
        {
            // The host moves the message to score-requests-poison after this failed delivery; the alert rule counts this event.
            services.GetRequiredService<IShipyardTelemetry>().TrackEvent("StreamMessagePoisoned", new Dictionary<string, string>
            {
                ["queue"] = StreamQueues.RequestQueue,
                ["messageId"] = messageId,
                ["dequeueCount"] = dequeueCount.ToString(CultureInfo.InvariantCulture),
                ["error"] = e.GetType().Name,
                ["mode"] = "functions-host",
            });
            throw;
        }
    }

    private static string? MetadataString(InvocationRequest request, string name) => request.GetMetadata(name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    // The host sends DequeueCount as a number; some versions and tools send it as a string.
    private static long? MetadataNumber(InvocationRequest request, string name) => request.GetMetadata(name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var v) => v,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
