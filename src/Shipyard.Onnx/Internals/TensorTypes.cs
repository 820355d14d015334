namespace Shipyard.Onnx.Internals;

/// <summary>Maps a managed element type to its <see cref="TensorElementType"/> (computed once per type).</summary>
internal static class TensorTypes<T>
    where T : unmanaged
{
    public static readonly TensorElementType ElementType = TensorTypes.Of(typeof(T));
}

/// <summary>The managed type ↔ <see cref="TensorElementType"/> table.</summary>
internal static class TensorTypes
{
    public static TensorElementType Of(Type type) => type switch
    {
        _ when type == typeof(float) => TensorElementType.Float,
        _ when type == typeof(double) => TensorElementType.Double,
        _ when type == typeof(long) => TensorElementType.Int64,
        _ when type == typeof(int) => TensorElementType.Int32,
        _ when type == typeof(short) => TensorElementType.Int16,
        _ when type == typeof(sbyte) => TensorElementType.Int8,
        _ when type == typeof(byte) => TensorElementType.UInt8,
        _ when type == typeof(ushort) => TensorElementType.UInt16,
        _ when type == typeof(uint) => TensorElementType.UInt32,
        _ when type == typeof(ulong) => TensorElementType.UInt64,
        _ when type == typeof(bool) => TensorElementType.Bool,
        _ when type == typeof(Half) => TensorElementType.Float16,
        _ => TensorElementType.Undefined,
    };

    /// <summary>Size in bytes of one element, or 0 when the type has no fixed-size managed mapping.</summary>
    public static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Int16 or TensorElementType.UInt16 or TensorElementType.Float16 => 2,
        TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool => 1,
        _ => 0,
    };

    /// <summary>ONNX's text name of an element type, as in <c>tensor(float)</c>.</summary>
    public static string OnnxName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Double => "double",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int16 => "int16",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.UInt16 => "uint16",
        TensorElementType.UInt32 => "uint32",
        TensorElementType.UInt64 => "uint64",
        TensorElementType.Bool => "bool",
        TensorElementType.Float16 => "float16",
        TensorElementType.String => "string",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Complex64 => "complex64",
        TensorElementType.Complex128 => "complex128",
        _ => type.ToString().ToLowerInvariant(),
    };
}
