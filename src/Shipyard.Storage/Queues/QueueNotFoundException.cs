namespace Shipyard.Storage;

/// <summary>The queue does not exist; create it with <see cref="IMessageQueue.CreateQueueIfNotExistsAsync"/>.</summary>
public sealed class QueueNotFoundException(string queue, Exception? innerException = null)
    : Exception($"Queue '{queue}' does not exist; create it first with CreateQueueIfNotExistsAsync.", innerException)
{
    /// <summary>The queue name.</summary>
    public string Queue { get; } = queue;
}
