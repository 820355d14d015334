namespace Shipyard.Storage;

/// <summary>
/// A forward-only stream over a blob (or a range of it) that also carries the blob's properties at open time.
/// <see cref="Stream.Length"/> is the number of bytes this stream will return.
/// </summary>
public abstract class BlobReadStream : Stream
{
    /// <summary>Creates the stream for the given blob version.</summary>
    protected BlobReadStream(BlobProperties properties) => Properties = properties ?? throw new ArgumentNullException(nameof(properties));

    /// <summary>The blob as it was when opened (the ETag every read is pinned to).</summary>
    public BlobProperties Properties { get; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Position
    {
        get => ReadSoFar;
        set => throw new NotSupportedException("Blob read streams are forward-only; open another with BlobReadOptions.Offset.");
    }

    /// <summary>Bytes returned so far.</summary>
    protected abstract long ReadSoFar { get; }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Blob read streams are forward-only.");

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
