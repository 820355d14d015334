using Shipyard.Models.Internals;
using Shipyard.Scoring.Internals;

namespace Shipyard.Models;

/// <summary>
/// A hold on one loaded model version's ONNX session. While any lease is open the session stays alive, even if the
/// version is swapped or removed meanwhile; the registry disposes a replaced session when its last lease is disposed.
/// Dispose once (use <c>using</c>); further disposals are ignored.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private readonly LoadedVersion _loaded;
    private int _disposed;

    internal ModelLease(LoadedVersion loaded)
    {
        _loaded = loaded;
    }

    /// <summary>The model name.</summary>
    public string Model => _loaded.Manifest.Name;

    /// <summary>The version this lease holds.</summary>
    public string Version => _loaded.Manifest.Version;

    /// <summary>The version's manifest.</summary>
    public ModelManifest Manifest => _loaded.Manifest;

    /// <summary>The version's scorer (its ONNX session); valid until this lease is disposed. Thread-safe (many runs at once).</summary>
    internal OnnxScorer Scorer
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _loaded.Scorer;
        }
    }

    internal LoadedVersion Loaded => _loaded;

    /// <summary>Releases the hold on the session.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _loaded.Release();
        }
    }
}
