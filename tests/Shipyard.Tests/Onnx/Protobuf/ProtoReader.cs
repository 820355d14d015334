using System.Buffers.Binary;

namespace Shipyard.Tests.Onnx.Protobuf;

/// <summary>Minimal protobuf wire-format reader: iterates (field, wire type) pairs over a byte buffer.</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public int Field { get; private set; }

    public int WireType { get; private set; }

    public readonly bool HasRemaining => _position < _data.Length;

    public bool Next()
    {
        if (_position >= _data.Length)
        {
            return false;
        }

        var tag = Varint();
        Field = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        return true;
    }

    public ulong Varint()
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
    }

    public ReadOnlySpan<byte> LengthDelimited()
    {
        var length = (int)Varint();
        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }

    public uint Fixed32()
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    public ulong Fixed64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public void Skip()
    {
        switch (WireType)
        {
            case 0: Varint(); break;
            case 1: _position += 8; break;
            case 2: LengthDelimited(); break;
            case 5: _position += 4; break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {WireType}.");
        }
    }
}
