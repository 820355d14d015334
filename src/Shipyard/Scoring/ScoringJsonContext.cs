using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Scoring;

/// <summary>
/// Serialization code generated at compile time for the scoring answers, so the first response after a cold start does
/// not pay for reflection and the hot path writes without it. Hosts add it in front of their resolver chain; property
/// names still follow the host's naming policy and converters.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PredictionResponse))]
[JsonSerializable(typeof(InferResponse))]
public sealed partial class ScoringJsonContext : JsonSerializerContext;
