using System.Text.Json.Serialization;

namespace Shipyard.Scoring;

/// <summary>A KServe v2 response output tensor: <c>{"name","shape","datatype","data"}</c>.</summary>
public sealed record InferOutputTensor
{
    /// <summary><c>label</c> (BYTES), <c>probabilities</c> (FP32 [N,C]) or <c>value</c> (FP32 [N,1]).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Tensor shape.</summary>
    [JsonPropertyName("shape")]
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>KServe datatype.</summary>
    [JsonPropertyName("datatype")]
    public required string Datatype { get; init; }

    /// <summary>Flat row-major elements: <c>string[]</c> (BYTES) or <c>float[]</c> (FP32), as <c>KServeMapper.ToTensors</c> makes them.</summary>
    [JsonPropertyName("data")]
    public required object Data { get; init; }
}
