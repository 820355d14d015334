using System.Text;

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

    private const int Slots = 1024;

    private readonly Entry?[] _entries = new Entry?[Slots];

    /// <summary>The string of <paramref name="utf8"/>, which the caller has checked to be valid UTF-8.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & (Slots - 1);
        if (Volatile.Read(ref _entries[slot]) is { } entry && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Text;
        }

        var text = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref _entries[slot], new Entry(utf8.ToArray(), text));
        return text;
    }

    private sealed record Entry(byte[] Utf8, string Text);
}
