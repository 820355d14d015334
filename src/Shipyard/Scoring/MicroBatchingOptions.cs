namespace Shipyard.Scoring;

/// <summary>Micro-batching (<c>Shipyard:MicroBatching</c>).</summary>
public sealed class MicroBatchingOptions
{
    /// <summary>Coalesce concurrent requests for the same version into one ONNX run (default true: with the default
    /// <see cref="MaxDelay"/> of zero a request never waits for company, it only shares a run with requests already
    /// queued; see docs/benchmarks.md).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most rows per coalesced run (default 64; also capped by the manifest's <c>runtime.maxBatch</c>).</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>Longest a request waits for others to join its batch (default zero: a run takes what is queued and
    /// starts at once, so an idle server answers as fast as without micro-batching and a busy one batches by itself).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.Zero;
}
