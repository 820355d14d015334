namespace Shipyard.Streaming;

/// <summary>The queues and the container stream scoring uses (provisioned by infra/modules/storage.bicep).</summary>
public static class StreamQueues
{
    /// <summary>Where requests arrive (the StreamScore queue trigger, or the standalone poller).</summary>
    public const string RequestQueue = "score-requests";

    /// <summary>Where a request goes after <see cref="StreamOptions.MaxDequeueCount"/> failed deliveries (the host's <c>-poison</c> convention).</summary>
    public const string PoisonQueue = "score-requests-poison";

    /// <summary>Where results go when the message names no <c>replyTo</c>.</summary>
    public const string ResultQueue = "score-results";

    /// <summary>
    /// Holds the idempotency markers under <c>_stream-processed/</c>. The prediction-log container is reused on purpose:
    /// it exists everywhere and its lifecycle rule deletes old blobs, which is the retention window's clean-up; drift reads
    /// it by <c>{model}/</c> prefixes only, and no model name starts with <c>_</c>.
    /// </summary>
    public const string MarkerContainer = "prediction-logs";
}
