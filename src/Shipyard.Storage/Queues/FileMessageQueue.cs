using System.Text.Json;
using Shipyard.Storage.Internals;

namespace Shipyard.Storage;

/// <summary>
/// The embedded <see cref="IMessageQueue"/> for standalone mode: one JSON file per message under
/// <c>{root}/.queues/{queue}/</c>, with the same visibility-timeout, dequeue-count, pop-receipt and expiry semantics
/// as Azure Storage queues, persisted so that a restart loses nothing (an in-flight message reappears when its
/// visibility timeout ends, exactly as in Azure).
/// </summary>
/// <remarks>
/// Every operation on a queue runs under that queue's lock file (which also excludes other processes) and replaces
/// message files by atomic rename, so a crash never leaves a half-written message. Receives scan the queue folder,
/// which suits standalone volumes (thousands of messages), not millions.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a storage queue client; the name says so.")]
public sealed class FileMessageQueue : IMessageQueue
{
    private static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromDays(7);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _queues;
    private readonly TimeProvider _time;

    /// <summary>Creates the queue store under <paramref name="root"/> (the same folder as the <see cref="FileBlobStore"/>).</summary>
    public FileMessageQueue(string root, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _queues = Path.Combine(Path.GetFullPath(root), ".queues");
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(_queues);
    }

    /// <inheritdoc />
    public Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateQueue(queue);
        var folder = Path.Combine(_queues, queue);
        if (Directory.Exists(folder))
        {
            return Task.FromResult(false);
        }

        Directory.CreateDirectory(folder);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public async Task<QueueReceipt> SendAsync(string queue, string text, QueueSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        var folder = QueueFolder(queue);
        QueueLimits.ValidateText(queue, text);
        options ??= new QueueSendOptions();
        QueueLimits.ValidateTime(options.VisibilityDelay, TimeSpan.Zero, nameof(options));
        if (options.TimeToLive is { } ttl)
        {
            QueueLimits.ValidateTime(ttl, TimeSpan.FromSeconds(1), nameof(options));
        }

        var now = _time.GetUtcNow();
        var record = new FileQueueRecord(
            $"{now.UtcTicks:D19}-{Guid.NewGuid():N}",
            QueueLimits.Encode(text),
            now,
            now + (options.TimeToLive ?? DefaultTimeToLive),
            now + options.VisibilityDelay,
            0,
            Guid.NewGuid().ToString("N"));
        var fileLock = await LockAsync(queue, cancellationToken).ConfigureAwait(false);
        await using (fileLock.ConfigureAwait(false))
        {
            await WriteAsync(folder, record).ConfigureAwait(false);
        }

        return new QueueReceipt(record.Id, record.PopReceipt, record.NextVisibleOn);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var folder = QueueFolder(queue);
        QueueLimits.ValidateCount(maxMessages);
        QueueLimits.ValidateTime(visibilityTimeout, TimeSpan.FromSeconds(1), nameof(visibilityTimeout));
        var received = new List<QueueMessage>();
        var fileLock = await LockAsync(queue, cancellationToken).ConfigureAwait(false);
        await using (fileLock.ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            foreach (var record in await VisibleAsync(folder, now, maxMessages, cancellationToken).ConfigureAwait(false))
            {
                var taken = record with { DequeueCount = record.DequeueCount + 1, PopReceipt = Guid.NewGuid().ToString("N"), NextVisibleOn = now + visibilityTimeout };
                await WriteAsync(folder, taken).ConfigureAwait(false);
                received.Add(new QueueMessage(taken.Id, taken.PopReceipt, taken.DequeueCount, taken.InsertedOn, taken.ExpiresOn, taken.NextVisibleOn, QueueLimits.Decode(taken.Text)));
            }
        }

        return received;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(string queue, int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        var folder = QueueFolder(queue);
        QueueLimits.ValidateCount(maxMessages);
        var fileLock = await LockAsync(queue, cancellationToken).ConfigureAwait(false);
        await using (fileLock.ConfigureAwait(false))
        {
            var visible = await VisibleAsync(folder, _time.GetUtcNow(), maxMessages, cancellationToken).ConfigureAwait(false);
            return visible.Select(r => new PeekedQueueMessage(r.Id, r.DequeueCount, r.InsertedOn, r.ExpiresOn, QueueLimits.Decode(r.Text))).ToList();
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        var folder = QueueFolder(queue);
        QueueLimits.ValidateId(messageId, popReceipt);
        var fileLock = await LockAsync(queue, cancellationToken).ConfigureAwait(false);
        await using (fileLock.ConfigureAwait(false))
        {
            var (path, _) = await FindAsync(folder, queue, messageId, popReceipt).ConfigureAwait(false);
            File.Delete(path);
        }
    }

    /// <inheritdoc />
    public async Task<QueueReceipt> UpdateAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? text = null, CancellationToken cancellationToken = default)
    {
        var folder = QueueFolder(queue);
        QueueLimits.ValidateId(messageId, popReceipt);
        QueueLimits.ValidateTime(visibilityTimeout, TimeSpan.Zero, nameof(visibilityTimeout));
        if (text is not null)
        {
            QueueLimits.ValidateText(queue, text);
        }

        var fileLock = await LockAsync(queue, cancellationToken).ConfigureAwait(false);
        await using (fileLock.ConfigureAwait(false))
        {
            var (_, record) = await FindAsync(folder, queue, messageId, popReceipt).ConfigureAwait(false);
            var updated = record with
            {
                PopReceipt = Guid.NewGuid().ToString("N"),
                NextVisibleOn = _time.GetUtcNow() + visibilityTimeout,
                Text = text is null ? record.Text : QueueLimits.Encode(text),
            };
            await WriteAsync(folder, updated).ConfigureAwait(false);
            return new QueueReceipt(updated.Id, updated.PopReceipt, updated.NextVisibleOn);
        }
    }

    private string QueueFolder(string queue)
    {
        BlobNames.ValidateQueue(queue);
        var folder = Path.Combine(_queues, queue);
        return Directory.Exists(folder) ? folder : throw new QueueNotFoundException(queue);
    }

    private Task<FileStream> LockAsync(string queue, CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(Path.Combine(_queues, queue + ".lock"), cancellationToken);

    /// <summary>Visible, unexpired messages in insertion order (file names start with the insertion ticks); deletes expired ones.</summary>
    private static async Task<List<FileQueueRecord>> VisibleAsync(string folder, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var result = new List<FileQueueRecord>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = await ReadAsync(path).ConfigureAwait(false);
            if (record is null)
            {
                continue;
            }

            if (record.ExpiresOn <= now)
            {
                File.Delete(path);
                continue;
            }

            if (record.NextVisibleOn <= now)
            {
                result.Add(record);
                if (result.Count == max)
                {
                    break;
                }
            }
        }

        return result;
    }

    private async Task<(string Path, FileQueueRecord Record)> FindAsync(string folder, string queue, string messageId, string popReceipt)
    {
        if (messageId.IndexOfAny(['/', '\\', '.']) >= 0)
        {
            throw new QueueMessageNotFoundException(queue, messageId);
        }

        var path = Path.Combine(folder, messageId + ".json");
        var record = File.Exists(path) ? await ReadAsync(path).ConfigureAwait(false) : null;
        if (record is null || record.PopReceipt != popReceipt || record.ExpiresOn <= _time.GetUtcNow())
        {
            throw new QueueMessageNotFoundException(queue, messageId);
        }

        return (path, record);
    }

    private static async Task<FileQueueRecord?> ReadAsync(string path)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await JsonSerializer.DeserializeAsync<FileQueueRecord>(file, Json).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(string folder, FileQueueRecord record)
    {
        var temp = Path.Combine(folder, $".{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(record, Json)).ConfigureAwait(false);
        File.Move(temp, Path.Combine(folder, record.Id + ".json"), overwrite: true);
    }
}
