namespace Shipyard.Models.Internals;

/// <summary>Reads protobuf fields one at a time (wire format: https://protobuf.dev/programming-guides/encoding/); every
/// malformed input is a <see cref="FormatException"/>. Used where Shipyard reads a model file before ONNX Runtime does.</summary>
internal ref struct ProtoWireReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Whether bytes remain (for packed repeated fields, read value by value).</summary>
    public readonly bool HasMore => _position < _data.Length;

    /// <summary>Calls <paramref name="handler"/> with each length-delimited field of <paramref name="message"/> (others are skipped).</summary>
    public static void ForEachLengthDelimited(ReadOnlySpan<byte> message, ProtoFieldHandler handler)
    {
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

    public bool Next(out int field, out int wire)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wire = 0;
            return false;
        }

        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wire = (int)(tag & 7);
        if (field == 0)
        {
            throw new FormatException($"field number 0 at byte {_position}.");
        }

        return true;
    }

    public ulong ReadVarint()
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

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            throw new FormatException("a fixed-size field runs past the end of the data.");
        }

        _position += count;
    }
}

/// <summary>Receives one length-delimited protobuf field: its number and its bytes.</summary>
internal delegate void ProtoFieldHandler(int field, ReadOnlySpan<byte> body);
