namespace Shipyard.Http.Hosting;

/// <summary>Marks endpoints with their <see cref="RequestTimeLimit"/> (the standalone server's middleware enforces it).</summary>
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
}

/// <summary>Endpoint metadata naming the endpoint's <see cref="RequestTimeLimit"/>.</summary>
internal sealed record RequestTimeLimitMetadata(RequestTimeLimit Limit);
