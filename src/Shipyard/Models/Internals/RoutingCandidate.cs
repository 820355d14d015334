namespace Shipyard.Models.Internals;

/// <summary>A routing.json found in the bundled folder (ETag null) or the store.</summary>
internal sealed record RoutingCandidate(string Name, ModelSource Source, string Fingerprint, string? ETag, Func<CancellationToken, Task<(byte[] Bytes, string? ETag)>> Read);
