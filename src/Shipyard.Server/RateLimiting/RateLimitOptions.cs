namespace Shipyard.Server.RateLimiting;

/// <summary>
/// Token buckets for predict, infer and read routes, bound from <c>Shipyard:RateLimiting</c>: one bucket per caller key
/// (anonymous callers: per remote address) and one per model; a request needs a token from both.
/// Health routes are never limited. Rejected requests get 429 with <c>Retry-After</c>.
/// </summary>
public sealed record RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Shipyard:RateLimiting";

    /// <summary>Turns rate limiting on or off. Default on.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The bucket of each caller. Default 1000 requests/s, burst 2000.</summary>
    public TokenBucketSettings PerKey { get; init; } = new() { PermitsPerSecond = 1000, Burst = 2000 };

    /// <summary>The bucket of each model (shared by all callers). Default 0 (unlimited).</summary>
    public TokenBucketSettings PerModel { get; init; } = new() { PermitsPerSecond = 0, Burst = 0 };
}
