using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shipyard.Storage;

namespace Shipyard.Streaming;

/// <summary>
/// Remembers which message ids were answered within <see cref="StreamOptions.RetentionWindow"/>: an in-memory LRU in
/// front of one marker blob per id, <c>prediction-logs/_stream-processed/{sha256(id)}</c>, created with
/// <c>If-None-Match: *</c> so that replicas agree on the first writer. Thread-safe singleton.
/// </summary>
public sealed class StreamDeduplicator
{
    /// <summary>Prefix of the marker blobs in <see cref="StreamQueues.MarkerContainer"/>.</summary>
    public const string MarkerPrefix = "_stream-processed/";

    private readonly IBlobStore _store;
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<StreamMarker>> _recent = new(StringComparer.Ordinal);
    private readonly LinkedList<StreamMarker> _order = new();
    private volatile bool _containerReady;

    /// <summary>Creates the deduplicator over the blob store.</summary>
    public StreamDeduplicator(IBlobStore store, StreamOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The marker blob name of <paramref name="id"/> (hashed: ids are free text, blob names are not).</summary>
    public static string MarkerName(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MarkerPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    /// <summary>The done marker of <paramref name="id"/> recorded within the retention window, or null (pending claims are not returned).</summary>
    public async Task<StreamMarker?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (FindRemembered(id) is { } remembered)
        {
            return remembered;
        }

        var marker = await ReadAsync(MarkerName(id), cancellationToken).ConfigureAwait(false);
        if (marker is null || !marker.Done || marker.Id != id || !IsLive(marker))
        {
            return null;
        }

        Remember(marker);
        return marker;
    }

    /// <summary>
    /// The done marker of <paramref name="id"/> if this instance remembers it (answered or seen within the retention
    /// window and not evicted from the in-memory LRU); null otherwise. No storage call.
    /// </summary>
    public StreamMarker? FindRemembered(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            if (_recent.TryGetValue(id, out var node))
            {
                if (IsLive(node.Value))
                {
                    return node.Value;
                }

                _order.Remove(node);
                _recent.Remove(id);
            }
        }

        return null;
    }

    /// <summary>
    /// Claims <paramref name="id"/> for delivery <paramref name="queueMessageId"/> (a pending marker, <c>If-None-Match: *</c>).
    /// Returns null when the claim is ours, or the marker that is in the way (done, or pending by another live delivery).
    /// A pending marker of the same delivery (a retry after a crash or a transient failure) or older than
    /// <paramref name="claimTimeout"/> (its owner died) is taken over.
    /// </summary>
    public async Task<StreamMarker?> TryClaimAsync(string id, string queueMessageId, TimeSpan claimTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(queueMessageId);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var name = MarkerName(id);
        var claim = new StreamMarker(id, queueMessageId, Done: false, null, null, _time.GetUtcNow());
        var options = new BlobUploadOptions { ContentType = "application/json", Conditions = BlobConditions.IfNotExists };
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await _store.UploadTextAsync(StreamQueues.MarkerContainer, name, JsonSerializer.Serialize(claim), options, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (BlobConditionFailedException)
            {
            }

            var properties = await _store.GetPropertiesAsync(StreamQueues.MarkerContainer, name, cancellationToken).ConfigureAwait(false);
            if (properties is null)
            {
                options = options with { Conditions = BlobConditions.IfNotExists };
                continue;
            }

            var existing = await ReadAsync(name, cancellationToken).ConfigureAwait(false);
            var takeOver = existing is null // unreadable: treat as absent
                || (existing.Done && !IsLive(existing))
                || (!existing.Done && (existing.QueueMessageId == queueMessageId || _time.GetUtcNow() - existing.RecordedOn >= claimTimeout));
            if (!takeOver)
            {
                if (existing!.Done)
                {
                    Remember(existing);
                }

                return existing;
            }

            options = options with { Conditions = BlobConditions.IfETagMatches(properties.ETag) };
        }

        throw new InvalidOperationException($"Stream message '{id}': its marker kept changing while claiming it; the delivery will be retried.");
    }

    /// <summary>Marks <paramref name="marker"/>'s id as answered (overwrites the claim), recorded now by this deduplicator's clock.</summary>
    public async Task CompleteAsync(StreamMarker marker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(marker);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        // The retention window is measured with the same clock that stamps the record (the caller's stamp may come from another clock).
        var done = marker with { Done = true, RecordedOn = _time.GetUtcNow() };
        await _store.UploadTextAsync(StreamQueues.MarkerContainer, MarkerName(marker.Id), JsonSerializer.Serialize(done), new BlobUploadOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
        Remember(done);
    }

    private async Task<StreamMarker?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize<StreamMarker>(await _store.ReadAllTextAsync(StreamQueues.MarkerContainer, name, cancellationToken).ConfigureAwait(false));
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private bool IsLive(StreamMarker marker) => _time.GetUtcNow() - marker.RecordedOn < _options.RetentionWindow;

    private void Remember(StreamMarker marker)
    {
        lock (_lock)
        {
            if (_recent.TryGetValue(marker.Id, out var old))
            {
                _order.Remove(old);
            }

            _recent[marker.Id] = _order.AddFirst(marker);
            while (_recent.Count > Math.Max(1, _options.MemoryCacheSize))
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _recent.Remove(last.Value.Id);
            }
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await _store.CreateContainerIfNotExistsAsync(StreamQueues.MarkerContainer, cancellationToken).ConfigureAwait(false);
            _containerReady = true;
        }
    }
}
