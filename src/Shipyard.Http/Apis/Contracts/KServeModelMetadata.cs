using System.Text.Json.Serialization;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>Open Inference Protocol model metadata (<c>GET /v2/models/{name}[/versions/{v}]</c>).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Versions">Versions of the model that are ready.</param>
/// <param name="Platform">Always <c>onnx</c>.</param>
/// <param name="Inputs">Accepted input tensors: one per feature.</param>
/// <param name="Outputs">Output tensors.</param>
public sealed record KServeModelMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("inputs")] IReadOnlyList<KServeTensorMetadata> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<KServeTensorMetadata> Outputs);
