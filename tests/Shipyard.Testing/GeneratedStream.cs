namespace Shipyard.Testing;

/// <summary>
/// A read-only, forward-only stream of <c>length</c> bytes made on the fly by <see cref="Fill"/> (never the whole content
/// in memory): what storage tests and benchmarks upload. It reports no length, as a pipe would, so uploads stream it.
/// </summary>
/// <param name="length">How many bytes the stream gives before it ends.</param>
public abstract class GeneratedStream(long length) : Stream
{
    private long _position;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        var n = wanted == 0 ? 0 : Fill(buffer[..wanted], _position);
        _position += n;
        return n;
    }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Writes the bytes at <paramref name="offset"/> into <paramref name="buffer"/> (at least one, at most all of it).</summary>
    /// <returns>How many bytes were written.</returns>
    protected abstract int Fill(Span<byte> buffer, long offset);
}
