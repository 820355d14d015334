namespace Shipyard.Scoring;

/// <summary>Prediction log buffering (<c>Shipyard:PredictionLog</c>).</summary>
public sealed class PredictionLogOptions
{
    /// <summary>Records buffered in memory; when full, new records are dropped and counted, never blocking a request (default 100,000).</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>A blob is written once this many records are buffered for one partition (default 1,000).</summary>
    public int FlushRecords { get; set; } = 1_000;

    /// <summary>
    /// Most rows one instance logs per second for one model version (default 100, about 8.6 million a day; zero or less:
    /// no cap). Requests beyond it in the same second are not logged, so a busy server's log volume and CPU cost stay
    /// bounded while a quiet one logs every sampled request. The first request of each second is always logged, however
    /// many rows it has. Under a load above the cap, busy hours are logged at a lower rate than quiet ones.
    /// </summary>
    public int MaxRowsPerSecond { get; set; } = 100;

    /// <summary>Buffered records are written at least this often (default 10 s). Shutdown always flushes.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}
