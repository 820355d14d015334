namespace Shipyard.Models;

/// <summary>
/// A hold on one loaded model version's ONNX session. While any lease is open the session stays alive, even if the
/// version is swapped or removed meanwhile; the registry disposes a replaced session when its last lease is disposed.
/// Dispose exactly once (use <c>using</c>). Thread-safe to use from one request at a time per lease; the session
/// itself may run concurrently.
/// </summary>
public sealed partial class ModelLease : IDisposable
{
    /// <summary>The model name.</summary>
    public string Model => Manifest.Name;

    /// <summary>The version this lease holds.</summary>
    public string Version => Manifest.Version;

    /// <summary>The version's manifest.</summary>
    public ModelManifest Manifest { get; }
}
