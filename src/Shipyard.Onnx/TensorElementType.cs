namespace Shipyard.Onnx;

/// <summary>
/// Tensor element types (<c>ONNXTensorElementDataType</c>, the same numbers as ONNX's <c>TensorProto.DataType</c>).
/// The managed type used for each is given per member; the binding creates and reads tensors of every type that has one.
/// </summary>
#pragma warning disable CA1720 // Member names are ONNX's own element type names.
public enum TensorElementType
{
    /// <summary>Not a tensor, or unknown.</summary>
    Undefined = 0,
    /// <summary><see cref="float"/>.</summary>
    Float = 1,
    /// <summary><see cref="byte"/>.</summary>
    UInt8 = 2,
    /// <summary><see cref="sbyte"/>.</summary>
    Int8 = 3,
    /// <summary><see cref="ushort"/>.</summary>
    UInt16 = 4,
    /// <summary><see cref="short"/>.</summary>
    Int16 = 5,
    /// <summary><see cref="int"/>.</summary>
    Int32 = 6,
    /// <summary><see cref="long"/>.</summary>
    Int64 = 7,
    /// <summary><see cref="string"/> (UTF-8 in ORT; read with <see cref="OrtValue.ReadStrings"/>).</summary>
    String = 8,
    /// <summary><see cref="bool"/> (one byte per element).</summary>
    Bool = 9,
    /// <summary><see cref="System.Half"/>.</summary>
    Float16 = 10,
    /// <summary><see cref="double"/>.</summary>
    Double = 11,
    /// <summary><see cref="uint"/>.</summary>
    UInt32 = 12,
    /// <summary><see cref="ulong"/>.</summary>
    UInt64 = 13,
    /// <summary>complex64; no managed mapping.</summary>
    Complex64 = 14,
    /// <summary>complex128; no managed mapping.</summary>
    Complex128 = 15,
    /// <summary>bfloat16; no managed mapping.</summary>
    BFloat16 = 16,
    /// <summary>float8 e4m3fn; no managed mapping.</summary>
    Float8E4M3FN = 17,
    /// <summary>float8 e4m3fnuz; no managed mapping.</summary>
    Float8E4M3FNUZ = 18,
    /// <summary>float8 e5m2; no managed mapping.</summary>
    Float8E5M2 = 19,
    /// <summary>float8 e5m2fnuz; no managed mapping.</summary>
    Float8E5M2FNUZ = 20,
    /// <summary>uint4 (packed); no managed mapping.</summary>
    UInt4 = 21,
    /// <summary>int4 (packed); no managed mapping.</summary>
    Int4 = 22,
}
#pragma warning restore CA1720
