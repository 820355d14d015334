using System.Text;
using Shipyard.Models;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// Chooses the version for a routed request: the canary for <c>percent</c>% of requests, production otherwise.
/// With a request key the choice is sticky: FNV-1a 64 of "model\nkey" picks a bucket 0..9999 (so percent has a
/// resolution of 0.01), the same for a key on every instance and across restarts. Without a key, a random bucket.
/// </summary>
internal static class TrafficRouter
{
    public const int Buckets = 10_000;

    public static string? Choose(ModelRouting routing, string model, string? requestKey)
    {
        if (routing.Canary is { Percent: > 0 } canary)
        {
            var bucket = requestKey is null ? Random.Shared.Next(Buckets) : Bucket(model, requestKey);
            if (bucket < canary.Percent * (Buckets / 100))
            {
                return canary.Version;
            }
        }

        return routing.Production;
    }

    /// <summary>The sticky bucket of a key (FNV-1a, 64-bit; http://www.isthe.com/chongo/tech/comp/fnv/).</summary>
    public static int Bucket(string model, string requestKey)
    {
        const ulong offsetBasis = 14695981039346656037;
        const ulong prime = 1099511628211;
        var hash = offsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var part in new[] { model, "\n", requestKey })
        {
            var bytes = Encoding.UTF8.GetByteCount(part) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(part, buffer)] : Encoding.UTF8.GetBytes(part);
            foreach (var b in bytes)
            {
                hash ^= b;
                hash *= prime;
            }
        }

        return (int)(hash % Buckets);
    }
}
