using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Shipyard.Onnx.Internals;

/// <summary>Throw helpers for the checks the binding makes before calling ORT (things ORT would not validate, or would validate less clearly).</summary>
internal static class OrtThrow
{
    [DoesNotReturn]
    public static void InvalidArgument_ShapeMismatch(ReadOnlySpan<long> shape, long expected, long actual) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"Shape {Format(shape)} holds {expected} elements but the buffer has {actual}. Pass a shape whose product equals the buffer length.");

    [DoesNotReturn]
    public static void InvalidArgument_NegativeDimension(ReadOnlySpan<long> shape) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"Shape {Format(shape)} has a negative dimension; tensor dimensions must be >= 0.");

    [DoesNotReturn]
    public static void InvalidArgument_UnsupportedElementType(Type type) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"{type} has no ONNX tensor element type. Use float, double, long, int, short, sbyte, byte, ushort, uint, ulong, bool or System.Half.");

    [DoesNotReturn]
    public static void InvalidArgument_ElementTypeMismatch(TensorElementType actual, Type requested) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"The tensor holds {TensorTypes.OnnxName(actual)} elements; they cannot be read as {requested.Name}.");

    [DoesNotReturn]
    public static void InvalidArgument_NotATensor(OrtValueType actual) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"The value is a {actual.ToString().ToLowerInvariant()}, not a tensor.");

    [DoesNotReturn]
    public static void InvalidArgument_WrongValueType(OrtValueType expected, OrtValueType actual) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"The value is a {actual.ToString().ToLowerInvariant()}, not a {expected.ToString().ToLowerInvariant()}.");

    [DoesNotReturn]
    public static void InvalidArgument_UnknownName(string kind, string name, IEnumerable<string> valid) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"The model has no {kind} named '{name}'. Its {kind}s are: {string.Join(", ", valid.Select(v => "'" + v + "'"))}.");

    [DoesNotReturn]
    public static void InvalidArgument_DuplicateInput(string name) =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"Input '{name}' is given more than once.");

    [DoesNotReturn]
    public static void InvalidProtobuf_EmptyModel() =>
        throw new OnnxRuntimeException(OrtErrorCode.InvalidProtobuf, "The model is empty (0 bytes); an ONNX model is a serialized ModelProto.");

    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(",", parts) + "]";
    }
}
