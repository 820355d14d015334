namespace Shipyard.Http.Hosting;

/// <summary>Marks endpoints with their <see cref="RequestTimeLimit"/> and adds the middleware that enforces it.</summary>
public static class RequestTimeLimitExtensions
{
    /// <summary>Gives the endpoints of <paramref name="builder"/> the time limit <paramref name="limit"/>.</summary>
    public static TBuilder WithTimeLimit<TBuilder>(this TBuilder builder, RequestTimeLimit limit)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(new RequestTimeLimitMetadata(limit));
        return builder;
    }

    /// <summary>Enforces the time limits (after routing, which picks the endpoint and so its limit).</summary>
    public static IApplicationBuilder UseRequestTimeLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestTimeLimitMiddleware>();
}

/// <summary>Endpoint metadata naming the endpoint's <see cref="RequestTimeLimit"/>.</summary>
internal sealed record RequestTimeLimitMetadata(RequestTimeLimit Limit);
