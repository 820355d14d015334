using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Shipyard.Protobuf;

/// <summary>
/// Reads protobuf fields one at a time (wire format: https://protobuf.dev/programming-guides/encoding/); every malformed
/// input is a <see cref="FormatException"/>. Used where Shipyard reads protobuf itself rather than through generated
/// message objects: a model file before ONNX Runtime does, and the gRPC infer request straight into tensor values.
/// </summary>
/// <param name="data">One message's bytes (or a packed repeated field's).</param>
public ref struct ProtoWireReader(ReadOnlySpan<byte> data)
{
    /// <summary>Wire type 0: int32, int64, uint32, uint64, bool, enum.</summary>
    public const int Varint = 0;

    /// <summary>Wire type 1: fixed64, sfixed64, double.</summary>
    public const int Fixed64 = 1;

    /// <summary>Wire type 2: string, bytes, messages, packed repeated fields.</summary>
    public const int LengthDelimited = 2;

    /// <summary>Wire type 5: fixed32, sfixed32, float.</summary>
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Whether bytes remain (for packed repeated fields, read value by value).</summary>
    public readonly bool HasMore => _position < _data.Length;

    /// <summary>How many bytes have been read: after <see cref="ReadBytes"/>, where the field's bytes end.</summary>
    public readonly int Position => _position;

    /// <summary>Calls <paramref name="handler"/> with each length-delimited field of <paramref name="message"/> (others are skipped).</summary>
    public static void ForEachLengthDelimited(ReadOnlySpan<byte> message, ProtoFieldHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var reader = new ProtoWireReader(message);
        while (reader.Next(out var field, out var wire))
        {
            if (wire == LengthDelimited)
            {
                handler(field, reader.ReadBytes());
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    /// <summary>Reads the next field's tag; false at the end of the data.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next(out int field, out int wire)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wire = 0;
            return false;
        }

        // Fields 1 to 15 have one-byte tags: the common case, read without the varint loop.
        var first = _data[_position];
        if (first is < 0x80 and >= 8)
        {
            _position++;
            field = first >> 3;
            wire = first & 7;
            return true;
        }

        var tag = ReadVarint();
        if (tag >> 3 is 0 or > (1 << 29) - 1)
        {
            throw new FormatException($"field number {tag >> 3} at byte {_position} (field numbers run from 1 to 2^29 - 1).");
        }

        field = (int)(tag >> 3);
        wire = (int)(tag & 7);
        return true;
    }

    /// <summary>Reads a varint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        // One byte (values below 128: lengths of short fields, small integers) without the loop.
        if (_position < _data.Length && _data[_position] < 0x80)
        {
            return _data[_position++];
        }

        return ReadLongVarint();
    }

    private ulong ReadLongVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new FormatException("a varint runs past the end of the data.");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("a varint is longer than 10 bytes.");
    }

    /// <summary>Reads 4 little-endian bytes (float, fixed32).</summary>
    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Advance(4));

    /// <summary>Reads 8 little-endian bytes (double, fixed64).</summary>
    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Advance(8));

    /// <summary>Reads a length-delimited field's bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new FormatException($"a field of {length} bytes runs past the end of its message at byte {_position}.");
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    /// <summary>Skips the value of a field of wire type <paramref name="wire"/>.</summary>
    public void Skip(int wire)
    {
        switch (wire)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Advance(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Advance(4); break;
            default: throw new FormatException($"wire type {wire} (groups or invalid) at byte {_position}.");
        }
    }

    private ReadOnlySpan<byte> Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            throw new FormatException("a fixed-size field runs past the end of the data.");
        }

        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }
}
