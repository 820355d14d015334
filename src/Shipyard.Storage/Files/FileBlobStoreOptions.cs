namespace Shipyard.Storage;

/// <summary>Settings of the embedded <see cref="FileBlobStore"/>.</summary>
public sealed record FileBlobStoreOptions
{
    /// <summary>The default <see cref="StaleTempAge"/>: 10 minutes.</summary>
    public static readonly TimeSpan DefaultStaleTempAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A temporary file in <c>.tmp/</c> that no open handle holds is removed at start when the process that wrote it is
    /// gone, and otherwise (by the sweep that runs at most once per this interval) when it was not written for this
    /// long (default 10 minutes). A write in progress always holds its temporary file open, so this only decides how
    /// long leftovers of a failed write in a still-running process stay on disk.
    /// </summary>
    public TimeSpan StaleTempAge { get; init; } = DefaultStaleTempAge;
}
