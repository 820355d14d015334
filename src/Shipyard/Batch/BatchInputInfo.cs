using System.Text.Json.Serialization;

namespace Shipyard.Batch;

/// <summary>Which input a batch job read.</summary>
/// <param name="Name">Blob name in <c>batch-in</c> (or the local file path for the CLI).</param>
/// <param name="ETag">The input version scored (null for local files).</param>
/// <param name="Size">Input size in bytes, when known.</param>
public sealed record BatchInputInfo(string Name, [property: JsonPropertyName("etag")] string? ETag, long? Size);
