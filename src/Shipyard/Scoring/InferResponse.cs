using System.Text.Json.Serialization;

namespace Shipyard.Scoring;

/// <summary>A KServe v2 inference response: <c>{"model_name","model_version","id"?,"parameters":{"predictionIds":"…"},"outputs":[…]}</c>.</summary>
public sealed record InferResponse
{
    /// <summary>The response parameter carrying the prediction ids.</summary>
    public const string PredictionIdsParameter = "predictionIds";

    /// <summary>The model name.</summary>
    [JsonPropertyName("model_name")]
    public required string ModelName { get; init; }

    /// <summary>The version that answered.</summary>
    [JsonPropertyName("model_version")]
    public required string ModelVersion { get; init; }

    /// <summary>The request's id, echoed.</summary>
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    /// <summary>Response parameters: <c>predictionIds</c>, the ids of the predictions (one per row, comma-separated, in
    /// row order), which outcomes are posted under.</summary>
    [JsonPropertyName("parameters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    /// <summary>The output tensors.</summary>
    [JsonPropertyName("outputs")]
    public required IReadOnlyList<InferOutputTensor> Outputs { get; init; }
}
