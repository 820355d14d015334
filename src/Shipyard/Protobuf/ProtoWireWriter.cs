using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Shipyard.Protobuf;

/// <summary>
/// Writes protobuf fields into a span sized beforehand (wire format: https://protobuf.dev/programming-guides/encoding/),
/// with the size functions that size it: a length-delimited field's length goes before its bytes, so a writer first adds
/// up its sizes (<see cref="FieldSize"/>, <see cref="StringFieldSize"/>) and then writes exactly that many bytes.
/// Proto3 rules are the caller's: an empty string or empty packed field is left out by not writing it. The reader's
/// counterpart (<see cref="ProtoWireReader"/>): the gRPC answer writer and the ONNX model patch write with it.
/// </summary>
public ref struct ProtoWireWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _position;

    /// <summary>How many bytes have been written.</summary>
    public readonly int Position => _position;

    /// <summary>The bytes of a varint holding <paramref name="value"/>.</summary>
    public static int VarintSize(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    /// <summary>The bytes of a length-delimited field <paramref name="field"/> of <paramref name="length"/> bytes: tag, length, bytes.</summary>
    public static int FieldSize(int field, int length) => VarintSize((uint)field << 3) + VarintSize((uint)length) + length;

    /// <summary>The bytes of string field <paramref name="field"/> holding <paramref name="text"/>; 0 for an empty string (not written).</summary>
    public static int StringFieldSize(int field, string text) => text.Length == 0 ? 0 : FieldSize(field, Encoding.UTF8.GetByteCount(text));

    /// <summary>Writes a field's tag.</summary>
    public void Tag(int field, int wire) => Varint(((uint)field << 3) | (uint)wire);

    /// <summary>Writes a varint.</summary>
    public void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_position++] = (byte)value;
    }

    /// <summary>Writes the tag and length of length-delimited field <paramref name="field"/>; its <paramref name="length"/> bytes follow.</summary>
    public void LengthDelimited(int field, int length)
    {
        Tag(field, ProtoWireReader.LengthDelimited);
        Varint((uint)length);
    }

    /// <summary>Writes string field <paramref name="field"/> unless <paramref name="text"/> is empty.</summary>
    public void StringField(int field, string text)
    {
        if (text.Length > 0)
        {
            StringAlways(field, text);
        }
    }

    /// <summary>Writes string field <paramref name="field"/>, even empty (map keys and values, repeated and oneof fields).</summary>
    public void StringAlways(int field, string text)
    {
        LengthDelimited(field, Encoding.UTF8.GetByteCount(text));
        Utf8(text);
    }

    /// <summary>Writes the UTF-8 bytes of <paramref name="text"/> (no tag, no length).</summary>
    public void Utf8(string text) => _position += Encoding.UTF8.GetBytes(text, _buffer[_position..]);

    /// <summary>Writes 4 little-endian bytes.</summary>
    public void Fixed32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_position..], value);
        _position += 4;
    }
}
