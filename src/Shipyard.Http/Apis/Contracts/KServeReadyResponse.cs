using System.Text.Json.Serialization;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>Open Inference Protocol readiness (<c>/v2/health/ready</c>, <c>/v2/models/{name}/ready</c>).</summary>
/// <param name="Name">The model, or null for the server.</param>
/// <param name="Ready">Whether it can serve now.</param>
public sealed record KServeReadyResponse(
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonPropertyName("ready")] bool Ready);
