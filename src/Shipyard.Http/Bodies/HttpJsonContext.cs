using System.Text.Json;
using System.Text.Json.Serialization;
using Shipyard.Http.Apis.Contracts;

namespace Shipyard.Http.Bodies;

/// <summary>
/// Serialization code generated at compile time for the HTTP contracts (health, KServe metadata; the model listings carry manifest types whose converters are internal to Shipyard and stay on reflection): no reflection
/// or code emission on the first request after a cold start. Registered ahead of the reflection resolver, which still
/// serves every other type.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(KServeLiveResponse))]
[JsonSerializable(typeof(KServeReadyResponse))]
[JsonSerializable(typeof(KServeServerMetadata))]
[JsonSerializable(typeof(KServeModelMetadata))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
