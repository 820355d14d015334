using System.Globalization;
using System.Text;

namespace Shipyard.Tests.Batch;

/// <summary>
/// A diabetes-shaped CSV of <c>rows</c> data rows produced on demand (never held in memory or on disk): 997 random
/// rows, generated once, repeated.
/// </summary>
internal sealed class GeneratedCsvStream(int rows) : Stream
{
    private static readonly byte[][] Rows = MakeRows();
    private readonly byte[] _header = Encoding.UTF8.GetBytes("age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n");
    private byte[] _pending = [];
    private int _pendingOffset;
    private int _row = -1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_pendingOffset == _pending.Length && !Next())
            {
                break;
            }

            var n = Math.Min(buffer.Length - written, _pending.Length - _pendingOffset);
            _pending.AsSpan(_pendingOffset, n).CopyTo(buffer[written..]);
            _pendingOffset += n;
            written += n;
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool Next()
    {
        if (_row == -1)
        {
            _pending = _header;
        }
        else if (_row < rows)
        {
            _pending = Rows[_row % Rows.Length];
        }
        else
        {
            return false;
        }

        _row++;
        _pendingOffset = 0;
        return true;
    }

    private static byte[][] MakeRows()
    {
        var random = new Random(1);
        return [.. Enumerable.Range(0, 997).Select(_ => Encoding.UTF8.GetBytes(
            string.Join(",", Enumerable.Range(0, 10).Select(_ => ((random.NextDouble() - 0.5) * 0.2).ToString("R", CultureInfo.InvariantCulture))) + "\n"))];
    }
}

/// <summary>A write-only sink that counts bytes.</summary>
internal sealed class CountingStream : Stream
{
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => _length += count;

    public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _length += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
