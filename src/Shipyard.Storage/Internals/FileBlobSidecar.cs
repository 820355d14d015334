namespace Shipyard.Storage.Internals;

/// <summary>
/// What <see cref="FileBlobStore"/> keeps next to a blob's content (under .meta/): the write's ETag, content type
/// and metadata, plus the content file's length and modification time at commit so that a content file changed
/// behind the store's back is noticed (its ETag is then derived from the file itself).
/// </summary>
internal sealed record FileBlobSidecar(
    string ETag,
    string ContentType,
    Dictionary<string, string> Metadata,
    long Length,
    long ContentTicks,
    DateTimeOffset LastModified);
