namespace Shipyard.Storage.Internals;

/// <summary>The file store's read stream: a window [offset, offset+length) of an open file.</summary>
internal sealed class RangeReadStream : BlobReadStream
{
    private readonly FileStream _file;
    private readonly long _length;
    private long _read;

    public RangeReadStream(BlobProperties properties, FileStream file, long offset, long length)
        : base(properties)
    {
        _file = file;
        _length = length;
        _file.Position = offset;
    }

    public override long Length => _length;

    protected override long ReadSoFar => _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - _read);
        if (wanted <= 0)
        {
            return 0;
        }

        var n = await _file.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        _read += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
