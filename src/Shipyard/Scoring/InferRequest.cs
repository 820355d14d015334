using System.Text.Json.Serialization;

namespace Shipyard.Scoring;

/// <summary>A KServe v2 inference request body: <c>{"id"?,"inputs":[…],"outputs"?:[…]}</c>.</summary>
public sealed record InferRequest
{
    /// <summary>Echoed in the response.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>Either one tensor per feature, or the ONNX input tensor itself.</summary>
    [JsonPropertyName("inputs")]
    public required IReadOnlyList<InferInputTensor> Inputs { get; init; }

    /// <summary>Outputs to return; null or empty: all.</summary>
    [JsonPropertyName("outputs")]
    public IReadOnlyList<InferRequestedOutput>? Outputs { get; init; }
}
