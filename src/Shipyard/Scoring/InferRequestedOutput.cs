using System.Text.Json.Serialization;

namespace Shipyard.Scoring;

/// <summary>A KServe v2 requested output: <c>{"name":"…"}</c>.</summary>
/// <param name="Name">The output name: <c>label</c>, <c>probabilities</c> or <c>value</c> (or the ONNX output name mapped to one of them).</param>
public sealed record InferRequestedOutput([property: JsonPropertyName("name")] string Name);
