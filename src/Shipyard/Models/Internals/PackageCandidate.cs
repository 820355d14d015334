namespace Shipyard.Models.Internals;

/// <summary>A model version found in the bundled folder or the store, not loaded yet. <c>Folder</c> is the package's
/// folder for bundled packages (where external data may live), null for the store.</summary>
internal sealed record PackageCandidate(
    string Name,
    string Version,
    ModelSource Source,
    string Fingerprint,
    Func<CancellationToken, Task<byte[]>> ReadManifest,
    Func<CancellationToken, Task<byte[]>> ReadModel,
    string? Folder = null);
