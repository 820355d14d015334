namespace Shipyard.Storage;

/// <summary>What a store knows about one blob.</summary>
/// <param name="Container">The container.</param>
/// <param name="Name">The blob name.</param>
/// <param name="Length">Content length in bytes.</param>
/// <param name="ETag">Opaque version tag, quoted as HTTP sends it; changes on every write. Pass it to <see cref="BlobConditions.IfMatch"/>.</param>
/// <param name="LastModified">When the blob was last written.</param>
/// <param name="ContentType">The content type given at write (default application/octet-stream).</param>
/// <param name="Metadata">User metadata given at write; names compare case-insensitively.</param>
public sealed record BlobProperties(
    string Container,
    string Name,
    long Length,
    string ETag,
    DateTimeOffset LastModified,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata);
