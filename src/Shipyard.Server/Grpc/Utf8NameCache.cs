using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Shipyard.Server.Grpc;

/// <summary>
/// The strings of short UTF-8 names seen before (tensor names: the same thirty feature names arrive in every per-feature
/// request), so reading one allocates nothing after the first time. A fixed table of slots by hash, each holding one name:
/// a new name replaces the slot's old one, so the table never grows, whatever callers send. Slots are immutable entries
/// swapped whole, so concurrent readers see either name, never a torn one, without locks.
/// </summary>
internal sealed class Utf8NameCache
{
    /// <summary>Names longer than this (in UTF-8 bytes) are decoded every time.</summary>
    public const int MaxLength = 64;

    private const int SlotBits = 10;

    private readonly Entry?[] _entries = new Entry?[1 << SlotBits];

    /// <summary>The string of <paramref name="utf8"/>; null when it is not valid UTF-8.</summary>
    public string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;
        }

        var slot = Slot(utf8);
        if (Volatile.Read(ref _entries[slot]) is { } entry && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Text; // its bytes were checked when it was added
        }

        if (!Utf8.IsValid(utf8))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref _entries[slot], new Entry(utf8.ToArray(), text));
        return text;
    }

    /// <summary>A slot from the length and the first and last eight bytes: names of one model differ there (a
    /// collision only costs a decode, never a wrong name, as a hit compares every byte).</summary>
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        ulong head, tail;
        if (utf8.Length >= 8)
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
        }
        else
        {
            head = 0;
            foreach (var b in utf8)
            {
                head = (head << 8) | b;
            }

            tail = 0;
        }

        var hash = ((head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)utf8.Length) * 0x165667B19E3779F9UL;
        return (int)(hash >> (64 - SlotBits));
    }

    private sealed record Entry(byte[] Utf8, string Text);
}
