namespace Shipyard.Storage;

/// <summary>
/// Storage-queue semantics (at-least-once delivery with visibility timeouts and dequeue counts), as the Functions
/// queue trigger sees them. Implemented by <see cref="AzureMessageQueue"/> (Azure.Storage.Queues; Azure or Azurite) and
/// <see cref="FileMessageQueue"/> (embedded, standalone mode). Thread-safe singletons.
/// </summary>
/// <remarks>
/// A received message stays invisible for the visibility timeout; delete it with its pop receipt when done, or it
/// reappears with <see cref="QueueMessage.DequeueCount"/> + 1. Text is stored base64-encoded (UTF-8), as the Functions
/// host writes and expects it, so messages interoperate with a queue-triggered function.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a storage queue client; the name says so.")]
public interface IMessageQueue
{
    /// <summary>Creates the queue unless it exists.</summary>
    /// <returns>True when this call created it.</returns>
    Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Adds a message (at most <see cref="QueueLimits.MaxTextBytes"/> bytes of UTF-8 text).</summary>
    /// <exception cref="QueueNotFoundException">The queue does not exist.</exception>
    Task<QueueReceipt> SendAsync(string queue, string text, QueueSendOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="maxMessages"/> (1..32) visible messages, hiding each for
    /// <paramref name="visibilityTimeout"/> (1 s..7 days) and incrementing its dequeue count. Empty when none is visible.
    /// </summary>
    /// <exception cref="QueueNotFoundException">The queue does not exist.</exception>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Looks at up to <paramref name="maxMessages"/> (1..32) visible messages without hiding them.</summary>
    /// <exception cref="QueueNotFoundException">The queue does not exist.</exception>
    Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(string queue, int maxMessages = 1, CancellationToken cancellationToken = default);

    /// <summary>Deletes a received message.</summary>
    /// <exception cref="QueueMessageNotFoundException">The message is gone, or was received again since (stale pop receipt).</exception>
    Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default);

    /// <summary>Changes a received message's visibility (0 s..7 days from now) and optionally its text.</summary>
    /// <returns>The new pop receipt (the old one is no longer valid) and visibility time.</returns>
    /// <exception cref="QueueMessageNotFoundException">The message is gone, or was received again since (stale pop receipt).</exception>
    Task<QueueReceipt> UpdateAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? text = null, CancellationToken cancellationToken = default);
}
