using System.Text;

namespace Shipyard.Tests.Batch;

/// <summary>Streams that exercise buffer boundaries and huge inputs without allocating them.</summary>
internal static class CsvTestStreams
{
    /// <summary>UTF-8 bytes of <paramref name="text"/>, optionally with a byte order mark.</summary>
    public static byte[] Utf8(string text, bool bom = false) =>
        bom ? [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

    /// <summary>A stream that returns at most <paramref name="maxRead"/> bytes per read, so every boundary case is hit.</summary>
    public static Stream Trickle(byte[] bytes, int maxRead) => new TrickleStream(bytes, maxRead);

    /// <summary>A read-only stream of <paramref name="length"/> copies of <paramref name="fill"/>, produced on demand.</summary>
    public static Stream Repeat(byte fill, long length) => new RepeatStream(fill, length);

    private sealed class TrickleStream(byte[] bytes, int maxRead) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxRead));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, maxRead)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
    }

    private sealed class RepeatStream(byte fill, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            buffer[..n].Fill(fill);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
