using Shipyard.Storage;

namespace Shipyard.Batch.Internals;

/// <summary>
/// The lock that makes a batch job run once per input version across replicas: an empty blob
/// <c>batch-out/{model}/.claims/{stem}.{etag}</c> created with <c>If-None-Match: *</c> (only one writer wins),
/// renewed while the job runs, marked <c>status=done</c> when the report is written, deleted when the job is
/// abandoned (cancellation, storage fault) so a retry can run it. A claim is taken over with <c>If-Match</c> on its
/// ETag (again only one taker wins) when it was not renewed within the timeout, or at once when its owner is provably
/// gone (<see cref="OwnerIsGone"/>): a restarted server does not wait out its crashed predecessor's claim.
/// </summary>
internal sealed class BatchClaim : IAsyncDisposable
{
    private const string StatusKey = "status";
    private const string OwnerKey = "owner";
    private readonly IBlobStore _store;
    private readonly string _owner;
    private readonly CancellationTokenSource _renewStop = new();
    private Task? _renewal;
    private string _etag;

    private BatchClaim(IBlobStore store, string name, string owner, string etag)
    {
        _store = store;
        Name = name;
        _owner = owner;
        _etag = etag;
    }

    /// <summary>The claim blob's name in <c>batch-out</c>.</summary>
    public string Name { get; }

    /// <summary>Cancelled when renewal finds the claim taken over (this worker must stop).</summary>
    public CancellationToken Lost => _lost.Token;

    private readonly CancellationTokenSource _lost = new();

    /// <summary>A new owner name for one processor: <c>{process token}~{id}</c> (<see cref="LocalProcess.Token"/>).</summary>
    public static string NewOwner() => $"{LocalProcess.Token}~{Guid.NewGuid():N}";

    /// <summary>
    /// Whether the claim's owner certainly cannot be running it: no owner recorded, or an owner whose process was on
    /// this machine and has ended (<see cref="LocalProcess.IsProvablyGone"/>).
    /// </summary>
    public static bool OwnerIsGone(string? owner) =>
        string.IsNullOrEmpty(owner) || LocalProcess.IsProvablyGone(owner.Split('~')[0]);

    public static string NameFor(string model, string stem, string etag)
    {
        Span<char> safe = stackalloc char[Math.Min(etag.Length, 64)];
        var length = 0;
        foreach (var c in etag)
        {
            if (length < safe.Length && (char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                safe[length++] = c;
            }
        }

        return $"{model}/.claims/{stem}.{safe[..length]}";
    }

    /// <summary>Tries to take the claim.</summary>
    /// <returns>The claim, or the outcome that explains why not.</returns>
    public static async Task<(BatchClaim? Claim, BatchOutcome? Outcome)> TryAcquireAsync(
        IBlobStore store, string name, string owner, Func<string, bool> isActiveHere, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var created = await store.UploadAsync(BlobBatchProcessor.OutputContainer, name, ReadOnlyMemory<byte>.Empty, Options(owner, "running", BlobConditions.IfNotExists), cancellationToken).ConfigureAwait(false);
                return (new BatchClaim(store, name, owner, created.ETag), null);
            }
            catch (BlobConditionFailedException)
            {
                // Someone holds (or held) it: look at the claim.
            }

            var existing = await store.GetPropertiesAsync(BlobBatchProcessor.OutputContainer, name, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                continue; // released meanwhile: try to create it again
            }

            if (existing.Metadata.TryGetValue(StatusKey, out var status) && status == "done")
            {
                return (null, new BatchOutcome(BatchOutcomeKind.AlreadyDone, $"already scored (claim {name} is done)"));
            }

            existing.Metadata.TryGetValue(OwnerKey, out var holder);
            var abandonedHere = holder == owner && !isActiveHere(name);
            var stale = time.GetUtcNow() - existing.LastModified > timeout;
            if (!abandonedHere && !stale && !OwnerIsGone(holder))
            {
                return (null, new BatchOutcome(BatchOutcomeKind.ClaimedElsewhere, $"another worker ({holder}) is scoring this input (claim {name})"));
            }

            try
            {
                var taken = await store.UploadAsync(BlobBatchProcessor.OutputContainer, name, ReadOnlyMemory<byte>.Empty,
                    Options(owner, "running", BlobConditions.IfETagMatches(existing.ETag)), cancellationToken).ConfigureAwait(false);
                return (new BatchClaim(store, name, owner, taken.ETag), null);
            }
            catch (BlobConditionFailedException)
            {
                return (null, new BatchOutcome(BatchOutcomeKind.ClaimedElsewhere, $"another worker took over the abandoned claim {name}"));
            }
        }

        return (null, new BatchOutcome(BatchOutcomeKind.ClaimedElsewhere, $"the claim {name} keeps changing; leaving it to the other worker"));
    }

    /// <summary>Starts renewing the claim every <paramref name="interval"/> until the claim is completed or released.</summary>
    public void StartRenewing(TimeSpan interval, TimeProvider time)
    {
        _renewal = Task.Run(async () =>
        {
            while (!_renewStop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, time, _renewStop.Token).ConfigureAwait(false);
                    var renewed = await _store.UploadAsync(BlobBatchProcessor.OutputContainer, Name, ReadOnlyMemory<byte>.Empty,
                        Options(_owner, "running", BlobConditions.IfETagMatches(_etag)), _renewStop.Token).ConfigureAwait(false);
                    _etag = renewed.ETag;
                }
                catch (OperationCanceledException) when (_renewStop.IsCancellationRequested)
                {
                    return;
                }
                catch (BlobConditionFailedException)
                {
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception) when (!_renewStop.IsCancellationRequested)
                {
                    // A storage hiccup: try again at the next interval; the timeout leaves room for a few misses.
                }
            }
        });
    }

    /// <summary>Marks the job done (the report is written): the same input version is never scored again.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await StopRenewingAsync().ConfigureAwait(false);
        await _store.UploadAsync(BlobBatchProcessor.OutputContainer, Name, ReadOnlyMemory<byte>.Empty,
            Options(_owner, "done", BlobConditions.IfETagMatches(_etag)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the claim up (best effort) so a retry can run the job.</summary>
    public async Task ReleaseAsync()
    {
        await StopRenewingAsync().ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _store.DeleteIfExistsAsync(BlobBatchProcessor.OutputContainer, Name, BlobConditions.IfETagMatches(_etag), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Storage is unreachable or the claim moved on: the claim then expires (or is recognised as ours) on retry.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync().ConfigureAwait(false);
        _renewStop.Dispose();
        _lost.Dispose();
    }

    private async Task StopRenewingAsync()
    {
        if (!_renewStop.IsCancellationRequested)
        {
            await _renewStop.CancelAsync().ConfigureAwait(false);
        }

        if (_renewal is not null)
        {
            await _renewal.ConfigureAwait(false);
        }
    }

    private static BlobUploadOptions Options(string owner, string status, BlobConditions conditions) => new()
    {
        ContentType = "text/plain",
        Metadata = new Dictionary<string, string> { [StatusKey] = status, [OwnerKey] = owner },
        Conditions = conditions,
    };
}
