using System.Text.Json;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>
/// Which version answers a model's requests: <c>models/&lt;name&gt;/routing.json</c>,
/// <c>{"production":"2","staging":"3","canary":{"version":"3","percent":10},"shadow":"4","history":["1"]}</c>.
/// <see cref="History"/> (previous production versions, oldest first) is what <c>rollback</c> returns to; it is kept
/// in the same blob so a rollback survives restarts and is covered by the same conditional write.
/// </summary>
public sealed record ModelRouting
{
    /// <summary>The version that answers unpinned requests (null: none; requests then fail with 503).</summary>
    public string? Production { get; init; }

    /// <summary>A version reachable by explicit version route only, for testing before promotion.</summary>
    public string? Staging { get; init; }

    /// <summary>A share of unpinned traffic sent to another version; null for none.</summary>
    public CanaryRoute? Canary { get; init; }

    /// <summary>A version that silently re-scores production traffic after the response; its predictions are only logged.</summary>
    public string? Shadow { get; init; }

    /// <summary>Previous production versions, oldest first (most recent last).</summary>
    public IReadOnlyList<string> History { get; init; } = [];

    /// <summary>An empty routing (no production version).</summary>
    public static ModelRouting Empty { get; } = new();

    /// <summary>Parses routing.json. Errors name the field (<c>canary.percent: expected a number from 0 to 100</c>).</summary>
    /// <exception cref="ManifestException">The JSON is malformed or a field is invalid.</exception>
    public static ModelRouting Parse(ReadOnlySpan<byte> utf8Json) => RoutingSerializer.Parse(utf8Json);

    /// <summary>Reads a routing from JSON already parsed (a request body), with the same checks and messages as <see cref="Parse(ReadOnlySpan{byte})"/>.</summary>
    /// <exception cref="ManifestException">A field is invalid.</exception>
    public static ModelRouting Parse(JsonElement root) => RoutingSerializer.Read(root);

    /// <summary>Serializes to routing.json (UTF-8, camelCase, indented, nulls written).</summary>
    public byte[] ToUtf8Json() => RoutingSerializer.Serialize(this);

    /// <summary>Every version this routing names (production, staging, canary, shadow), without duplicates.</summary>
    public IReadOnlyList<string> ReferencedVersions()
    {
        var versions = new List<string>(4);
        foreach (var v in new[] { Production, Staging, Canary?.Version, Shadow })
        {
            if (v is not null && !versions.Contains(v))
            {
                versions.Add(v);
            }
        }

        return versions;
    }

    /// <summary>Field-named problems with this routing (invalid version strings, percent out of range); empty when valid.</summary>
    public IReadOnlyList<string> Validate() => RoutingSerializer.Validate(this);

    internal static JsonSerializerOptions JsonOptions => RoutingSerializer.Options;
}
