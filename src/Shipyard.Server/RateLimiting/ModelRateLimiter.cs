using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Shipyard.Server.RateLimiting;

/// <summary>
/// The per-model token buckets (<see cref="RateLimitOptions.PerModel"/>), one set for the whole server: REST requests
/// draw from them through the global limiter (the model is the route value <c>name</c>), gRPC calls once their message
/// has named the model (it travels in the body, not the path), so both transports share each model's budget. A singleton.
/// </summary>
public sealed class ModelRateLimiter : IDisposable
{
    /// <summary>Creates the buckets from the options (none when rate limiting is off).</summary>
    public ModelRateLimiter(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Limiter = PartitionedRateLimiter.Create<string?, string>(model =>
            settings.Enabled ? RateLimitingServiceCollectionExtensions.Partition("model", model, settings.PerModel) : RateLimitPartition.GetNoLimiter("model"));
    }

    /// <summary>The buckets, keyed by model name (null: not limited).</summary>
    public PartitionedRateLimiter<string?> Limiter { get; }

    /// <inheritdoc />
    public void Dispose() => Limiter.Dispose();
}
