namespace Shipyard.Storage;

/// <summary>
/// HTTP-style preconditions on a write, read or delete. When both are set, both must hold.
/// A failed condition is a <see cref="BlobConditionFailedException"/>.
/// </summary>
public sealed record BlobConditions
{
    /// <summary>Create-only: the operation succeeds only when no blob has the name (<c>If-None-Match: *</c>).</summary>
    public static BlobConditions IfNotExists { get; } = new() { IfNoneMatch = "*" };

    /// <summary>The blob must exist with this ETag (optimistic concurrency: read, change, write back).</summary>
    public string? IfMatch { get; init; }

    /// <summary><c>*</c> (no blob may exist) or an ETag the blob must not have.</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>Only succeed when the blob still has <paramref name="etag"/>.</summary>
    public static BlobConditions IfETagMatches(string etag)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return new() { IfMatch = etag };
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", new[] { IfMatch is null ? null : $"If-Match: {IfMatch}", IfNoneMatch is null ? null : $"If-None-Match: {IfNoneMatch}" }.Where(s => s is not null));
}
