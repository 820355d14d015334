using Shipyard.Testing;

namespace Shipyard.Storage.Tests.Blobs;

/// <summary>
/// A non-seekable stream of <paramref name="length"/> deterministic bytes generated on the fly (no buffer of the
/// whole content), whose value depends on the absolute position so that a misplaced or repeated block is detected.
/// </summary>
internal sealed class PatternStream(long length, Func<long, Task>? onPosition = null) : GeneratedStream(length)
{
    public static byte At(long p) => (byte)(p ^ (p >> 9) ^ (p >> 19) ^ (p >> 27));

    /// <summary>True when <paramref name="data"/> is the pattern starting at <paramref name="offset"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> data, long offset)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] != At(offset + i))
            {
                return false;
            }
        }

        return true;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (onPosition is not null)
        {
            await onPosition(Position);
        }

        return Read(buffer.Span);
    }

    protected override int Fill(Span<byte> buffer, long offset)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = At(offset + i);
        }

        return buffer.Length;
    }
}
