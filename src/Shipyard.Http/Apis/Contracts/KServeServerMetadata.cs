using System.Text.Json.Serialization;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>Open Inference Protocol server metadata (<c>GET /v2</c>).</summary>
/// <param name="Name">Server name.</param>
/// <param name="Version">Server version.</param>
/// <param name="Extensions">Supported protocol extensions.</param>
public sealed record KServeServerMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("extensions")] IReadOnlyList<string> Extensions);
