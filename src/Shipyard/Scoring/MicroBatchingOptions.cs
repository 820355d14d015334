namespace Shipyard.Scoring;

/// <summary>Micro-batching (<c>Shipyard:MicroBatching</c>).</summary>
public sealed class MicroBatchingOptions
{
    /// <summary>Coalesce concurrent requests for the same version into one ONNX run (default false; see docs/benchmarks.md).</summary>
    public bool Enabled { get; set; }

    /// <summary>Most rows per coalesced run (default 64; also capped by the manifest's <c>runtime.maxBatch</c>).</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>Longest a request waits for others to join its batch (default 1 ms).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(1);
}
