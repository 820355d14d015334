namespace Shipyard.Server.RateLimiting;

/// <summary>One token bucket: refilled at <see cref="PermitsPerSecond"/>, holding at most <see cref="Burst"/> tokens.</summary>
public sealed record TokenBucketSettings
{
    /// <summary>Sustained requests per second; 0 or less turns this bucket off.</summary>
    public double PermitsPerSecond { get; init; }

    /// <summary>Bucket size: requests allowed at once after a quiet period. 0 means <see cref="PermitsPerSecond"/> (at least 1).</summary>
    public int Burst { get; init; }

    /// <summary>True when this bucket limits anything.</summary>
    public bool IsEnabled => PermitsPerSecond > 0;
}
