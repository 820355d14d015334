using System.Globalization;
using Shipyard.Telemetry;

namespace Shipyard.Streaming;

/// <summary>The stream scoring event the poison alert rule counts (infra/modules/alerts.bicep), sent alike by both hosts.</summary>
public static class StreamTelemetry
{
    /// <summary>Event: a request message was given up and moved to <see cref="StreamQueues.PoisonQueue"/>.</summary>
    public const string PoisonedEvent = "StreamMessagePoisoned";

    /// <summary>
    /// Reports <paramref name="messageId"/> poisoned after <paramref name="dequeueCount"/> deliveries (dimensions
    /// <c>queue</c>, <c>messageId</c>, <c>dequeueCount</c>, <c>error</c>, <c>mode</c>: <c>standalone</c> or <c>functions-host</c>).
    /// </summary>
    public static void TrackPoisoned(this IShipyardTelemetry telemetry, string messageId, long dequeueCount, string error, string mode)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        telemetry.TrackEvent(PoisonedEvent, new Dictionary<string, string>
        {
            ["queue"] = StreamQueues.RequestQueue,
            ["messageId"] = messageId,
            ["dequeueCount"] = dequeueCount.ToString(CultureInfo.InvariantCulture),
            ["error"] = error,
            ["mode"] = mode,
        });
    }
}
