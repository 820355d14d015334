using System.Globalization;
using System.Security;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Shipyard.Storage.Internals;

namespace Shipyard.Storage;

/// <summary>
/// <see cref="IMessageQueue"/> over the Azure Queue REST API on the same pipeline as <see cref="AzureBlobStore"/>
/// (retries, Shared Key or token). REST reference: https://learn.microsoft.com/rest/api/storageservices/queue-service-rest-api.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a storage queue client; the name says so.")]
public sealed class AzureMessageQueue : IMessageQueue
{
    private readonly StorageRestClient _client;

    /// <summary>Creates the client for the queue endpoint of <paramref name="connection"/>.</summary>
    public AzureMessageQueue(StorageConnection connection, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var endpoint = connection.QueueEndpoint ?? throw new ArgumentException("The storage connection has no queue endpoint (set QueueEndpoint or AzureWebJobsStorage__queueServiceUri).", nameof(connection));
        _client = new StorageRestClient(endpoint, connection, options ?? new StorageClientOptions());
    }

    /// <summary>The queue service endpoint.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <inheritdoc />
    public async Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateQueue(queue);
        using var message = _client.CreateMessage(RequestMethod.Put, queue);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            201 => true,
            204 => false,
            409 when StorageRestClient.ErrorCode(response) == "QueueAlreadyExists" => false,
            _ => throw await StorageRestClient.CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public async Task<QueueReceipt> SendAsync(string queue, string text, QueueSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateQueue(queue);
        QueueLimits.ValidateText(queue, text);
        options ??= new QueueSendOptions();
        QueueLimits.ValidateTime(options.VisibilityDelay, TimeSpan.Zero, nameof(options));
        using var message = _client.CreateMessage(RequestMethod.Post, queue + "/messages");
        if (options.VisibilityDelay > TimeSpan.Zero)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(options.VisibilityDelay));
        }

        if (options.TimeToLive is { } ttl)
        {
            QueueLimits.ValidateTime(ttl, TimeSpan.FromSeconds(1), nameof(options));
            message.Request.Uri.AppendQuery("messagettl", Seconds(ttl));
        }

        message.Request.Headers.SetValue("Content-Type", "application/xml");
        message.Request.Content = RequestContent.Create(System.Text.Encoding.UTF8.GetBytes(
            $"<QueueMessage><MessageText>{SecurityElement.Escape(QueueLimits.Encode(text))}</MessageText></QueueMessage>"));
        var response = await SendAsync(message, queue, null, cancellationToken).ConfigureAwait(false);
        var item = (await ReadListAsync(response, cancellationToken).ConfigureAwait(false)).Single();
        return new QueueReceipt(item.Element("MessageId")!.Value, item.Element("PopReceipt")!.Value, Time(item, "TimeNextVisible"));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateQueue(queue);
        QueueLimits.ValidateCount(maxMessages);
        QueueLimits.ValidateTime(visibilityTimeout, TimeSpan.FromSeconds(1), nameof(visibilityTimeout));
        using var message = _client.CreateMessage(RequestMethod.Get, queue + "/messages");
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout));
        var response = await SendAsync(message, queue, null, cancellationToken).ConfigureAwait(false);
        return (await ReadListAsync(response, cancellationToken).ConfigureAwait(false)).Select(item => new QueueMessage(
            item.Element("MessageId")!.Value,
            item.Element("PopReceipt")!.Value,
            long.Parse(item.Element("DequeueCount")!.Value, CultureInfo.InvariantCulture),
            Time(item, "InsertionTime"),
            Time(item, "ExpirationTime"),
            Time(item, "TimeNextVisible"),
            QueueLimits.Decode(item.Element("MessageText")?.Value ?? string.Empty))).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(string queue, int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateQueue(queue);
        QueueLimits.ValidateCount(maxMessages);
        using var message = _client.CreateMessage(RequestMethod.Get, queue + "/messages");
        message.Request.Uri.AppendQuery("peekonly", "true");
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));
        var response = await SendAsync(message, queue, null, cancellationToken).ConfigureAwait(false);
        return (await ReadListAsync(response, cancellationToken).ConfigureAwait(false)).Select(item => new PeekedQueueMessage(
            item.Element("MessageId")!.Value,
            long.Parse(item.Element("DequeueCount")!.Value, CultureInfo.InvariantCulture),
            Time(item, "InsertionTime"),
            Time(item, "ExpirationTime"),
            QueueLimits.Decode(item.Element("MessageText")?.Value ?? string.Empty))).ToList();
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateQueue(queue);
        QueueLimits.ValidateId(messageId, popReceipt);
        using var message = _client.CreateMessage(RequestMethod.Delete, $"{queue}/messages/{Uri.EscapeDataString(messageId)}");
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        using var response = await SendAsync(message, queue, messageId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<QueueReceipt> UpdateAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? text = null, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateQueue(queue);
        QueueLimits.ValidateId(messageId, popReceipt);
        QueueLimits.ValidateTime(visibilityTimeout, TimeSpan.Zero, nameof(visibilityTimeout));
        using var message = _client.CreateMessage(RequestMethod.Put, $"{queue}/messages/{Uri.EscapeDataString(messageId)}");
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout));
        if (text is not null)
        {
            QueueLimits.ValidateText(queue, text);
            message.Request.Headers.SetValue("Content-Type", "application/xml");
            message.Request.Content = RequestContent.Create(System.Text.Encoding.UTF8.GetBytes(
                $"<QueueMessage><MessageText>{SecurityElement.Escape(QueueLimits.Encode(text))}</MessageText></QueueMessage>"));
        }

        var response = await SendAsync(message, queue, messageId, cancellationToken).ConfigureAwait(false);
        var receipt = response.Headers.TryGetValue("x-ms-popreceipt", out var value) ? value : throw new InvalidOperationException("Update Message response has no x-ms-popreceipt.");
        var visible = response.Headers.TryGetValue("x-ms-time-next-visible", out var next) && DateTimeOffset.TryParse(next, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time : DateTimeOffset.UtcNow + visibilityTimeout;
        return new QueueReceipt(messageId, receipt, visible);
    }

    private async Task<Response> SendAsync(HttpMessage message, string queue, string? messageId, CancellationToken cancellationToken)
    {
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status is >= 200 and < 300)
        {
            return response;
        }

        var error = await StorageRestClient.CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        throw error.ErrorCode switch
        {
            "QueueNotFound" => new QueueNotFoundException(queue, error),
            "MessageNotFound" or "PopReceiptMismatch" when messageId is not null => new QueueMessageNotFoundException(queue, messageId, error),
            _ => error,
        };
    }

    private static async Task<List<XElement>> ReadListAsync(Response response, CancellationToken cancellationToken)
    {
        var xml = await XDocument.LoadAsync(response.ContentStream!, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        return xml.Root?.Elements("QueueMessage").ToList() ?? [];
    }

    private static DateTimeOffset Time(XElement item, string name) =>
        DateTimeOffset.Parse(item.Element(name)!.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Seconds(TimeSpan value) => ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
