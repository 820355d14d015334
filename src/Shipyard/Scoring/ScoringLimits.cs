namespace Shipyard.Scoring;

/// <summary>Bounds that keep one request from exhausting the process (<c>Shipyard:Limits</c>).</summary>
public sealed class ScoringLimits
{
    /// <summary>Most instances in one request (default 10,000).</summary>
    public int MaxInstances { get; set; } = 10_000;

    /// <summary>Most field errors collected for one 400 response (default 100).</summary>
    public int MaxErrors { get; set; } = 100;

    /// <summary>Longest string feature value in characters (default 4,096).</summary>
    public int MaxStringLength { get; set; } = 4_096;

    /// <summary>Largest uploaded package zip, and largest uncompressed total, in bytes (default 512 MiB).</summary>
    public long MaxPackageBytes { get; set; } = 512L * 1024 * 1024;
}
