using Shipyard.Storage;

namespace Shipyard.Tests.Streaming;

/// <summary>A real message queue with a hook before each send (throw from it to simulate a storage fault or a crash mid-message).</summary>
internal sealed class HookedMessageQueue(IMessageQueue inner) : IMessageQueue
{
    private int _sends;

    public IMessageQueue Inner { get; } = inner;

    /// <summary>Called before each send with (queue, text); throw to fail it.</summary>
    public Action<string, string>? BeforeSend { get; set; }

    /// <summary>Sends attempted (including failed ones).</summary>
    public int Sends => Volatile.Read(ref _sends);

    public Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default) => Inner.CreateQueueIfNotExistsAsync(queue, cancellationToken);

    public Task<QueueReceipt> SendAsync(string queue, string text, QueueSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _sends);
        BeforeSend?.Invoke(queue, text);
        return Inner.SendAsync(queue, text, options, cancellationToken);
    }

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default) => Inner.ReceiveAsync(queue, maxMessages, visibilityTimeout, cancellationToken);

    public Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(string queue, int maxMessages = 1, CancellationToken cancellationToken = default) => Inner.PeekAsync(queue, maxMessages, cancellationToken);

    public Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default) => Inner.DeleteAsync(queue, messageId, popReceipt, cancellationToken);

    public Task<QueueReceipt> UpdateAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? text = null, CancellationToken cancellationToken = default) => Inner.UpdateAsync(queue, messageId, popReceipt, visibilityTimeout, text, cancellationToken);
}
