using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Shipyard.Storage;

/// <summary>
/// <see cref="IMessageQueue"/> over Azure.Storage.Queues (<see cref="QueueClient"/>): Azure Storage or Azurite, with
/// the same retries and authentication as <see cref="AzureBlobStore"/>. Message text is base64 (UTF-8) on the wire
/// (<see cref="QueueMessageEncoding.Base64"/>), as the Functions host writes it and its queue trigger reads it.
/// </summary>
/// <remarks>
/// A received message that is not base64 (put by some other tool) cannot be decoded; left alone it would fail every
/// receive of a batch it is in. As the Functions host does, it is moved as-is to <c>{queue}-poison</c> (created when
/// missing), deleted from the queue and logged; peeks just leave it out.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a storage queue client; the name says so.")]
public sealed partial class AzureMessageQueue : IMessageQueue
{
    /// <summary>The suffix of the queue an undecodable message is moved to (the Functions host's convention).</summary>
    public const string PoisonSuffix = "-poison";

    private readonly QueueServiceClient _service;
    private readonly QueueServiceClient _raw;
    private readonly ILogger _logger;

    /// <summary>Creates the client for the queue endpoint of <paramref name="connection"/>.</summary>
    /// <param name="connection">The account.</param>
    /// <param name="options">Retries and transport; null for the defaults.</param>
    /// <param name="logger">Where moves of undecodable messages are logged; null for none.</param>
    /// <exception cref="ArgumentException">The connection has no queue endpoint.</exception>
    public AzureMessageQueue(StorageConnection connection, StorageClientOptions? options = null, ILogger<AzureMessageQueue>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new StorageClientOptions();
        var encoded = options.ToQueueClientOptions(QueueMessageEncoding.Base64);
        encoded.MessageDecodingFailed += MoveUndecodableAsync;
        _service = connection.CreateQueueServiceClient(encoded);
        _raw = connection.CreateQueueServiceClient(options.ToQueueClientOptions(QueueMessageEncoding.None));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Endpoint = connection.QueueEndpoint!;
    }

    /// <summary>The queue service endpoint.</summary>
    public Uri Endpoint { get; }

    /// <inheritdoc />
    public async Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default)
    {
        // 201 Created; an existing queue is 204 (same metadata) or, in the SDK, no response at all (409 swallowed).
        var response = await Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return response is { Status: 201 };
    }

    /// <inheritdoc />
    public async Task<QueueReceipt> SendAsync(string queue, string text, QueueSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        QueueLimits.ValidateText(queue, text);
        options ??= new QueueSendOptions();
        QueueLimits.ValidateTime(options.VisibilityDelay, TimeSpan.Zero, nameof(options));
        if (options.TimeToLive is { } ttl)
        {
            QueueLimits.ValidateTime(ttl, TimeSpan.FromSeconds(1), nameof(options));
        }

        try
        {
            var receipt = (await client.SendMessageAsync(
                text,
                options.VisibilityDelay > TimeSpan.Zero ? WholeSeconds(options.VisibilityDelay) : null,
                options.TimeToLive is { } timeToLive ? WholeSeconds(timeToLive) : null,
                cancellationToken).ConfigureAwait(false)).Value;
            return new QueueReceipt(receipt.MessageId, receipt.PopReceipt, receipt.TimeNextVisible);
        }
        catch (RequestFailedException e) when (MapError(e, queue, null) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        QueueLimits.ValidateCount(maxMessages);
        QueueLimits.ValidateTime(visibilityTimeout, TimeSpan.FromSeconds(1), nameof(visibilityTimeout));
        try
        {
            var messages = (await client.ReceiveMessagesAsync(maxMessages, WholeSeconds(visibilityTimeout), cancellationToken).ConfigureAwait(false)).Value;
            return messages.Select(m => new QueueMessage(
                m.MessageId,
                m.PopReceipt,
                m.DequeueCount,
                m.InsertedOn ?? DateTimeOffset.UtcNow,
                m.ExpiresOn ?? DateTimeOffset.MaxValue,
                m.NextVisibleOn ?? DateTimeOffset.UtcNow + visibilityTimeout,
                m.Body.ToString())).ToList();
        }
        catch (RequestFailedException e) when (MapError(e, queue, null) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(string queue, int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        QueueLimits.ValidateCount(maxMessages);
        try
        {
            var messages = (await client.PeekMessagesAsync(maxMessages, cancellationToken).ConfigureAwait(false)).Value;
            return messages.Select(m => new PeekedQueueMessage(
                m.MessageId,
                m.DequeueCount,
                m.InsertedOn ?? DateTimeOffset.UtcNow,
                m.ExpiresOn ?? DateTimeOffset.MaxValue,
                m.Body.ToString())).ToList();
        }
        catch (RequestFailedException e) when (MapError(e, queue, null) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        QueueLimits.ValidateId(messageId, popReceipt);
        try
        {
            await client.DeleteMessageAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (MapError(e, queue, messageId) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public async Task<QueueReceipt> UpdateAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? text = null, CancellationToken cancellationToken = default)
    {
        var client = Queue(queue);
        QueueLimits.ValidateId(messageId, popReceipt);
        QueueLimits.ValidateTime(visibilityTimeout, TimeSpan.Zero, nameof(visibilityTimeout));
        if (text is not null)
        {
            QueueLimits.ValidateText(queue, text);
        }

        try
        {
            // A null text leaves the message's content as it is (Update Message without a body).
            var receipt = (await client.UpdateMessageAsync(messageId, popReceipt, text, WholeSeconds(visibilityTimeout), cancellationToken).ConfigureAwait(false)).Value;
            return new QueueReceipt(messageId, receipt.PopReceipt, receipt.NextVisibleOn);
        }
        catch (RequestFailedException e) when (MapError(e, queue, messageId) is { } mapped)
        {
            throw mapped;
        }
    }

    // Raised by the SDK inside ReceiveMessagesAsync / PeekMessagesAsync for each message it could not decode; the
    // message is then left out of the result.
    private async Task MoveUndecodableAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message)
        {
            return; // peeked: not ours to move
        }

        var poison = _raw.GetQueueClient(args.Queue.Name + PoisonSuffix);
        await poison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Body, cancellationToken: args.CancellationToken).ConfigureAwait(false);
        await _raw.GetQueueClient(args.Queue.Name).DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken).ConfigureAwait(false);
        LogMovedUndecodable(message.MessageId, args.Queue.Name, poison.Name);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} in queue {Queue} is not base64 (the encoding the Functions host uses); moved as-is to {PoisonQueue}")]
    private partial void LogMovedUndecodable(string messageId, string queue, string poisonQueue);

    private QueueClient Queue(string queue)
    {
        BlobNames.ValidateQueue(queue);
        return _service.GetQueueClient(queue);
    }

    /// <summary>Our exception for "no such queue" or "no such message with that receipt"; null for any other error.</summary>
    private static Exception? MapError(RequestFailedException error, string queue, string? messageId) => error.ErrorCode switch
    {
        "QueueNotFound" => new QueueNotFoundException(queue, error),
        "MessageNotFound" or "PopReceiptMismatch" when messageId is not null => new QueueMessageNotFoundException(queue, messageId, error),
        _ => null,
    };

    // The service counts whole seconds; round up so that "hide for 1.5 s" never hides for less.
    private static TimeSpan WholeSeconds(TimeSpan value) => TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));
}
