namespace Shipyard.Storage;

/// <summary>Which part of a blob <see cref="IBlobStore.OpenReadAsync"/> reads, and under which condition.</summary>
public sealed record BlobReadOptions
{
    /// <summary>First byte to read (default 0). At or past the end of a non-empty blob is an <see cref="ArgumentOutOfRangeException"/>.</summary>
    public long Offset { get; init; }

    /// <summary>Bytes to read from <see cref="Offset"/>; null reads to the end. A range past the end is cut at the end.</summary>
    public long? Length { get; init; }

    /// <summary>Only open the blob when it has this ETag.</summary>
    public string? IfMatch { get; init; }
}
