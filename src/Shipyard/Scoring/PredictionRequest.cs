namespace Shipyard.Scoring;

/// <summary>One prediction request (the body <c>{"instances":[…]}</c> plus routing context).</summary>
public sealed record PredictionRequest
{
    /// <summary>The model name.</summary>
    public required string Model { get; init; }

    /// <summary>Explicit version (route <c>/versions/{version}/predict</c>); bypasses production/canary routing and shadowing. Null: routed.</summary>
    public string? Version { get; init; }

    /// <summary>The <c>instances</c> as sent: each an object of feature name → value, validated against the routed version's manifest.</summary>
    public required PredictionInstances Instances { get; init; }

    /// <summary>The <c>X-Request-Key</c> header: makes the canary assignment sticky (same key, same version). Null: random.</summary>
    public string? RequestKey { get; init; }

    /// <summary>Where the request came from (logged).</summary>
    public PredictionSource Source { get; init; } = PredictionSource.Http;
}
