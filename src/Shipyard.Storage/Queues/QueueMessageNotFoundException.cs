namespace Shipyard.Storage;

/// <summary>
/// A delete or update found no message with that id and pop receipt: it was deleted, expired, or received again by
/// someone else after its visibility timeout ran out (the caller no longer owns it).
/// </summary>
public sealed class QueueMessageNotFoundException(string queue, string messageId, Exception? innerException = null)
    : Exception($"Message '{messageId}' in queue '{queue}' was not found with that pop receipt: it was deleted, expired, or received again after its visibility timeout.", innerException)
{
    /// <summary>The queue name.</summary>
    public string Queue { get; } = queue;

    /// <summary>The message id.</summary>
    public string MessageId { get; } = messageId;
}
