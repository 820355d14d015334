using System.Text.Json.Serialization;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>Open Inference Protocol tensor metadata; <c>-1</c> in <see cref="Shape"/> is a variable dimension.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Datatype">FP32, INT64, BYTES, …</param>
/// <param name="Shape">Dimensions.</param>
public sealed record KServeTensorMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape);
