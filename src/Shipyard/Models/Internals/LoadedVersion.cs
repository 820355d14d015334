using Shipyard.Scoring.Internals;

namespace Shipyard.Models.Internals;

/// <summary>
/// A version whose session is loaded, reference-counted: the registry holds one reference while the version is current,
/// each <see cref="ModelLease"/> one more. The session is disposed when the count reaches zero, i.e. after the registry
/// retired the version (swap or removal) and the last in-flight request finished with it.
/// </summary>
internal sealed class LoadedVersion
{
    private int _references = 1;
    private object? _batcher;

    public LoadedVersion(ModelManifest manifest, OnnxScorer scorer, string sha256, DateTimeOffset loadedAt)
    {
        Manifest = manifest;
        Scorer = scorer;
        Sha256 = sha256;
        LoadedAt = loadedAt;
    }

    public ModelManifest Manifest { get; }

    /// <summary>The version's ONNX session with its input and output plans.</summary>
    public OnnxScorer Scorer { get; }

    public string Sha256 { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>True once the session has been disposed.</summary>
    public bool IsReleased => Volatile.Read(ref _references) == 0;

    /// <summary>Per-version scoring state (the micro-batcher), created on first use by the scoring layer.</summary>
    public T GetOrAddScoringState<T>(Func<LoadedVersion, T> factory)
        where T : class
    {
        if (Volatile.Read(ref _batcher) is T existing)
        {
            return existing;
        }

        var created = factory(this);
        return Interlocked.CompareExchange(ref _batcher, created, null) as T ?? created;
    }

    /// <summary>Takes a reference unless the version has already been fully released.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Drops a reference; the last one disposes the session.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Scorer.Dispose();
        }
    }
}
