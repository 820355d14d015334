using Shipyard.Testing;

namespace Shipyard.Benchmarks.Storage;

/// <summary>A non-seekable stream of <c>length</c> bytes cycling over one random chunk (no generation cost).</summary>
internal sealed class RepeatingStream(byte[] chunk, long length) : GeneratedStream(length)
{
    // Up to the end of the chunk per read, as a copy of one span.
    protected override int Fill(Span<byte> buffer, long offset)
    {
        var start = (int)(offset % chunk.Length);
        var n = Math.Min(buffer.Length, chunk.Length - start);
        chunk.AsSpan(start, n).CopyTo(buffer);
        return n;
    }
}
