using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Shipyard.Server.Grpc;
using Shipyard.Server.Security;
using Shipyard.Http.Security;

namespace Shipyard.Server.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter configured from <see cref="RateLimitOptions"/>: a global limiter chaining a token bucket
/// per caller (the hashed key, or the remote address for anonymous callers) with one per model (route value
/// <c>name</c>), so one noisy client cannot starve the others and one hot model cannot starve the rest.
/// Endpoints marked <c>DisableRateLimiting()</c> (health) are exempt. Rejections are 429 problem+json with <c>Retry-After</c>
/// (gRPC calls: ResourceExhausted with the same message). The model buckets are <see cref="ModelRateLimiter"/>'s, which
/// gRPC calls draw from too.
/// </summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>Adds the rate limiter. The options are read once, when the limiter is first used.</summary>
    public static IServiceCollection AddShipyardRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section));
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejectedAsync;
        });
        services.AddSingleton<ModelRateLimiter>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, ModelRateLimiter>((limiter, settings, models) =>
        {
            var options = settings.Value;
            if (options.Enabled)
            {
                limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                    PartitionedRateLimiter.Create<HttpContext, string>(c => Partition("key", CallerId(c), options.PerKey)),
                    models.Limiter.WithTranslatedKey<HttpContext>(c => c.Request.RouteValues["name"] as string, leaveOpen: true));
            }
        });
        return services;
    }

    /// <summary>
    /// The caller a request is counted against: the hashed key, else the remote address. Routes with a policy have
    /// authenticated the caller already; a request no policy looked at (an unknown route) is authenticated here, so a
    /// keyed client is counted by its key wherever it calls.
    /// </summary>
    internal static string? CallerId(HttpContext context)
    {
        var claim = context.User.FindFirst(ShipyardRoles.CallerIdClaim)
            ?? context.RequestServices.GetRequiredService<FunctionKeyAuthenticator>().AuthenticateAsync(context).GetAwaiter().GetResult().Principal?.FindFirst(ShipyardRoles.CallerIdClaim);
        return claim?.Value ?? context.Connection.RemoteIpAddress?.ToString();
    }

    /// <summary>A token bucket of <paramref name="settings"/> keyed by <paramref name="key"/>, or no limit.</summary>
    internal static RateLimitPartition<string> Partition(string kind, string? key, TokenBucketSettings settings)
    {
        if (!settings.IsEnabled || key is null)
        {
            return RateLimitPartition.GetNoLimiter(kind);
        }

        return RateLimitPartition.GetTokenBucketLimiter(kind + ":" + key, _ => BucketOptions(settings));
    }

    /// <summary>
    /// Refill in small steps (about ten a second) rather than once a second, so the sustained rate is smooth:
    /// <c>tokensPerPeriod = max(1, round(rate / 10))</c>, <c>period = tokensPerPeriod / rate</c>.
    /// </summary>
    internal static TokenBucketRateLimiterOptions BucketOptions(TokenBucketSettings settings)
    {
        var rate = settings.PermitsPerSecond;
        var tokensPerPeriod = Math.Max(1, (int)Math.Round(rate / 10));
        var burst = settings.Burst > 0 ? settings.Burst : Math.Max(1, (int)Math.Ceiling(rate));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / rate),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>What a rejected caller is told, over REST (problem detail) and gRPC (status message) alike.</summary>
    internal static string RejectedDetail(int seconds) =>
        $"The rate limit for this caller or model was exceeded; retry after {seconds} s (Shipyard:RateLimiting).";

    /// <summary>Seconds to wait before retrying, from a rejected lease (at least 1).</summary>
    internal static int RetryAfterSeconds(RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var seconds = RetryAfterSeconds(context.Lease);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (GrpcStatusResponse.IsGrpc(http.Request))
        {
            GrpcStatusResponse.Write(http.Response, global::Grpc.Core.StatusCode.ResourceExhausted, RejectedDetail(seconds));
            return;
        }

        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = RejectedDetail(seconds),
            },
        }).ConfigureAwait(false);
    }
}
