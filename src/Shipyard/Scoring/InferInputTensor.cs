using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Scoring;

/// <summary>A KServe v2 request input tensor (Open Inference Protocol, JSON): <c>{"name","shape","datatype","data"}</c>.</summary>
public sealed record InferInputTensor
{
    /// <summary>A feature name (shape [N] or [N,1]) or the ONNX input name (shape [N,F], FP32).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Tensor shape.</summary>
    [JsonPropertyName("shape")]
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>KServe datatype: <c>FP32</c>, <c>FP64</c>, <c>INT64</c>, <c>INT32</c>, <c>BYTES</c>, ….</summary>
    [JsonPropertyName("datatype")]
    public required string Datatype { get; init; }

    /// <summary>The elements, flat or nested in row-major order (JSON bodies); unused when <see cref="Values"/> is set.</summary>
    [JsonPropertyName("data")]
    public JsonElement Data { get; init; }

    /// <summary>The elements already decoded by the host (gRPC); null: <see cref="Data"/> holds them.</summary>
    [JsonIgnore]
    public InferTensorValues? Values { get; init; }
}
