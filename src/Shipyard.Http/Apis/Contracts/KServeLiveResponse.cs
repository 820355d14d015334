using System.Text.Json.Serialization;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>Open Inference Protocol liveness (<c>/v2/health/live</c>).</summary>
/// <param name="Live">Always true while the process answers.</param>
public sealed record KServeLiveResponse([property: JsonPropertyName("live")] bool Live);
