using Microsoft.ML.OnnxRuntime.Tensors;
using System.Buffers.Binary;
using System.Text;
using Shipyard.Tests.Onnx.Protobuf;

namespace Shipyard.Tests.Onnx.Conformance;

/// <summary>
/// A TensorProto read straight from the protobuf wire format (field numbers from onnx.proto: dims=1, data_type=2,
/// float_data=4, int32_data=5, string_data=6, int64_data=7, name=8, raw_data=9, external_data=13, data_location=14,
/// double_data=10, uint64_data=11). Numeric data is normalized to little-endian element bytes.
/// </summary>
internal sealed class TensorProtoFile
{
    private TensorProtoFile(string name, TensorElementType elementType, long[] dims, byte[] data, string[] strings)
    {
        Name = name;
        ElementType = elementType;
        Dims = dims;
        Data = data;
        Strings = strings;
    }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    public long[] Dims { get; }

    /// <summary>Little-endian element bytes (numeric types).</summary>
    public byte[] Data { get; }

    /// <summary>Elements of a string tensor.</summary>
    public string[] Strings { get; }

    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    public static TensorProtoFile Read(string path) => Parse(File.ReadAllBytes(path));

    public static TensorProtoFile Parse(ReadOnlySpan<byte> bytes)
    {
        var dims = new List<long>();
        var type = (TensorElementType)0;
        var name = "";
        byte[]? raw = null;
        var varints = new List<ulong>();
        var fixed32 = new List<uint>();
        var fixed64 = new List<ulong>();
        var strings = new List<string>();
        var reader = new ProtoReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: ReadVarints(ref reader, dims, v => (long)v); break;
                case 2: type = (TensorElementType)(int)reader.Varint(); break;
                case 4: ReadFixed32(ref reader, fixed32); break;
                case 5: ReadVarints(ref reader, varints, v => v); break;
                case 6: strings.Add(Encoding.UTF8.GetString(reader.LengthDelimited())); break;
                case 7: ReadVarints(ref reader, varints, v => v); break;
                case 8: name = Encoding.UTF8.GetString(reader.LengthDelimited()); break;
                case 9: raw = reader.LengthDelimited().ToArray(); break;
                case 10: ReadFixed64(ref reader, fixed64); break;
                case 11: ReadVarints(ref reader, varints, v => v); break;
                case 13:
                case 14:
                    if (reader.Field == 14 && reader.Varint() == 0)
                    {
                        break; // DEFAULT location
                    }

                    throw new NotSupportedException("external tensor data");
                default: reader.Skip(); break;
            }
        }

        if (type == TensorElementType.String)
        {
            return new TensorProtoFile(name, type, [.. dims], [], [.. strings]);
        }

        var size = SizeOf(type);
        var count = (int)dims.Aggregate(1L, (a, d) => a * d);
        var data = raw ?? Pack(type, size, count, varints, fixed32, fixed64);
        return new TensorProtoFile(name, type, [.. dims], data, []);
    }

    private static byte[] Pack(TensorElementType type, int size, int count, List<ulong> varints, List<uint> fixed32, List<ulong> fixed64)
    {
        if (size == 0)
        {
            throw new NotSupportedException($"element type {type}");
        }

        var data = new byte[count * size];
        for (var i = 0; i < count; i++)
        {
            var slot = data.AsSpan(i * size, size);
            switch (type)
            {
                case TensorElementType.Float: BinaryPrimitives.WriteUInt32LittleEndian(slot, fixed32[i]); break;
                case TensorElementType.Double: BinaryPrimitives.WriteUInt64LittleEndian(slot, fixed64[i]); break;
                case TensorElementType.Int64 or TensorElementType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(slot, varints[i]); break;
                case TensorElementType.Int32 or TensorElementType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(slot, (uint)varints[i]); break;
                case TensorElementType.Int16 or TensorElementType.UInt16 or TensorElementType.Float16: BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)varints[i]); break;
                default: slot[0] = (byte)varints[i]; break; // int8, uint8, bool: stored in int32_data
            }
        }

        return data;
    }

    private static void ReadVarints<T>(ref ProtoReader reader, List<T> target, Func<ulong, T> convert)
    {
        if (reader.WireType == 2)
        {
            var packed = new ProtoReader(reader.LengthDelimited());
            var span = packed;
            while (HasMore(ref span))
            {
                target.Add(convert(span.Varint()));
            }
        }
        else
        {
            target.Add(convert(reader.Varint()));
        }
    }

    private static void ReadFixed32(ref ProtoReader reader, List<uint> target)
    {
        if (reader.WireType == 2)
        {
            var bytes = reader.LengthDelimited();
            for (var i = 0; i + 4 <= bytes.Length; i += 4)
            {
                target.Add(BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]));
            }
        }
        else
        {
            target.Add(reader.Fixed32());
        }
    }

    private static void ReadFixed64(ref ProtoReader reader, List<ulong> target)
    {
        if (reader.WireType == 2)
        {
            var bytes = reader.LengthDelimited();
            for (var i = 0; i + 8 <= bytes.Length; i += 8)
            {
                target.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]));
            }
        }
        else
        {
            target.Add(reader.Fixed64());
        }
    }

    private static bool HasMore(ref ProtoReader reader) => reader.HasRemaining;

    /// <summary>Bytes per element of the fixed-size element types the node tests use (0 for others).</summary>
    private static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Int16 or TensorElementType.UInt16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool => 1,
        _ => 0,
    };
}
