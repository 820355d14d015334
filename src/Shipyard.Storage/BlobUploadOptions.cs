namespace Shipyard.Storage;

/// <summary>How <see cref="IBlobStore.UploadAsync"/> writes.</summary>
public sealed record BlobUploadOptions
{
    /// <summary>The default block size: 4 MiB.</summary>
    public const int DefaultBlockSize = 4 * 1024 * 1024;

    /// <summary>Content type stored with the blob; default application/octet-stream.</summary>
    public string? ContentType { get; init; }

    /// <summary>User metadata (names: letters, digits, underscore, not starting with a digit; values: printable ASCII).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Preconditions checked atomically with the commit of the write.</summary>
    public BlobConditions? Conditions { get; init; }

    /// <summary>
    /// Bytes per block (64 KiB..100 MiB; default 4 MiB). Content shorter than one block goes in a single request;
    /// memory used by an upload is about <c>BlockSize × (MaxConcurrency + 1)</c>.
    /// </summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>Blocks sent in parallel (1..16; default 2).</summary>
    public int MaxConcurrency { get; init; } = 2;
}
