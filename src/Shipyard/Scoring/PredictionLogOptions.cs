namespace Shipyard.Scoring;

/// <summary>Prediction log buffering (<c>Shipyard:PredictionLog</c>).</summary>
public sealed class PredictionLogOptions
{
    /// <summary>Records buffered in memory; when full, new records are dropped and counted, never blocking a request (default 100,000).</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>A blob is written once this many records are buffered for one partition (default 1,000).</summary>
    public int FlushRecords { get; set; } = 1_000;

    /// <summary>Buffered records are written at least this often (default 10 s). Shutdown always flushes.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}
