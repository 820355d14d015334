using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Shipyard.Onnx.Internals;

namespace Shipyard.Onnx;

/// <summary>
/// An ONNX value owned by native ONNX Runtime: a tensor (input or output), or an output sequence/map.
/// </summary>
/// <remarks>
/// <para>Ownership: whoever creates an <see cref="OrtValue"/> (or receives it in an <see cref="OrtValueCollection"/>) disposes it.
/// Tensors created over managed memory with <see cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/> keep that memory pinned
/// until disposal; do not mutate it during a run.</para>
/// <para>Span lifetime: spans returned by <see cref="GetTensorData{T}"/> and <see cref="GetTensorMutableData{T}"/> point into
/// native (or pinned) memory and are valid only until this <see cref="OrtValue"/> is disposed. Use <see cref="ToArray{T}"/>
/// to keep data longer.</para>
/// <para>Reading a value from several threads is safe; disposing it while another thread uses it is not.</para>
/// </remarks>
public sealed unsafe partial class OrtValue : IDisposable
{
    private readonly OrtValueHandle _handle;
    private MemoryHandle _pin;
    private TensorInfo? _info;

    private OrtValue(OrtValueHandle handle, MemoryHandle pin = default)
    {
        _handle = handle;
        _pin = pin;
    }

    /// <summary>What the value is: a tensor, a sequence or a map.</summary>
    public OrtValueType ValueType
    {
        get
        {
            int type;
            OrtNative.ThrowIfFailed(OrtNative.Api->GetValueType(NativeHandle, &type));
            return (OrtValueType)type;
        }
    }

    /// <summary>The element type of a tensor; <see cref="TensorElementType.Undefined"/> for sequences and maps.</summary>
    public TensorElementType ElementType => Info.ElementType;

    /// <summary>The tensor's dimensions (empty for a scalar, and for sequences and maps).</summary>
    public ReadOnlySpan<long> Shape => Info.Shape;

    /// <summary>Number of elements in the tensor (product of <see cref="Shape"/>; 1 for a scalar; 0 for sequences and maps).</summary>
    public long ElementCount => Info.ElementCount;

    internal nint NativeHandle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    internal OrtValueHandle Handle => _handle;

    private TensorInfo Info => _info ??= TensorInfo.Read(NativeHandle);

    /// <summary>
    /// Creates a tensor over <paramref name="data"/> without copying: the memory is pinned and handed to ORT, and stays
    /// pinned until the returned value is disposed. The caller keeps owning <paramref name="data"/> and must not change it
    /// while a run reads it.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="long"/>, <see cref="int"/>, <see cref="short"/>, <see cref="sbyte"/>, <see cref="byte"/>, <see cref="ushort"/>, <see cref="uint"/>, <see cref="ulong"/>, <see cref="bool"/> or <see cref="Half"/>.</typeparam>
    /// <param name="data">Elements in row-major order; exactly as many as the shape holds.</param>
    /// <param name="shape">Dimensions, each &gt;= 0; empty for a scalar.</param>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the shape does not match the buffer or <typeparamref name="T"/> has no ONNX type.</exception>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var elementType = TensorTypes<T>.ElementType;
        if (elementType == TensorElementType.Undefined)
        {
            OrtThrow.InvalidArgument_UnsupportedElementType(typeof(T));
        }

        var count = CheckedElementCount(shape);
        if (count != data.Length)
        {
            OrtThrow.InvalidArgument_ShapeMismatch(shape, count, data.Length);
        }

        var api = OrtNative.Api;
        var pin = data.Pin();
        var handle = new OrtValueHandle();
        try
        {
            nint value;
            fixed (long* dims = shape)
            {
                // ORT rejects a null data pointer even for zero elements, so point empty tensors at a dummy byte.
                byte dummy = 0;
                var pointer = data.Length == 0 ? &dummy : pin.Pointer;
                OrtNative.ThrowIfFailed(api->CreateTensorWithDataAsOrtValue(
                    OrtNative.CpuMemoryInfo, pointer, (nuint)data.Length * (nuint)sizeof(T), dims, (nuint)shape.Length, (int)elementType, &value));
            }

            handle.Attach(value);
            return new OrtValue(handle, pin);
        }
        catch
        {
            handle.Dispose();
            pin.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a tensor whose memory ORT allocates (zero-filled is not guaranteed); fill it through
    /// <see cref="GetTensorMutableData{T}"/>. Useful when no managed buffer exists yet.
    /// </summary>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> for a negative dimension or an unsupported <typeparamref name="T"/>.</exception>
    public static OrtValue AllocateTensor<T>(ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var elementType = TensorTypes<T>.ElementType;
        if (elementType == TensorElementType.Undefined)
        {
            OrtThrow.InvalidArgument_UnsupportedElementType(typeof(T));
        }

        CheckedElementCount(shape);
        return Allocate(shape, elementType);
    }

    /// <summary>Creates a string tensor (strings are copied into ORT as UTF-8).</summary>
    /// <param name="values">Elements in row-major order; null elements are not allowed.</param>
    /// <param name="shape">Dimensions whose product equals <paramref name="values"/>' length.</param>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the shape does not match.</exception>
    public static OrtValue CreateStringTensor(ReadOnlySpan<string> values, ReadOnlySpan<long> shape)
    {
        var count = CheckedElementCount(shape);
        if (count != values.Length)
        {
            OrtThrow.InvalidArgument_ShapeMismatch(shape, count, values.Length);
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                throw new ArgumentException($"String tensor element {i} is null; use an empty string instead.", nameof(values));
            }
        }

        var result = Allocate(shape, TensorElementType.String);
        try
        {
            // GetResizedStringTensorElementBuffer takes an explicit byte length, so strings with embedded NULs survive
            // (FillStringTensor would cut them at the first NUL).
            var api = OrtNative.Api;
            var value = result.NativeHandle;
            for (var i = 0; i < values.Length; i++)
            {
                var length = Encoding.UTF8.GetByteCount(values[i]);
                byte* buffer;
                OrtNative.ThrowIfFailed(api->GetResizedStringTensorElementBuffer(value, (nuint)i, (nuint)length, &buffer));
                Encoding.UTF8.GetBytes(values[i], new Span<byte>(buffer, length));
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Releases the native value and unpins any managed memory it was created over.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        _pin.Dispose();
        _pin = default;
    }

    internal static OrtValue FromNative(nint value)
    {
        var handle = new OrtValueHandle();
        handle.Attach(value);
        return new OrtValue(handle);
    }

    private static OrtValue Allocate(ReadOnlySpan<long> shape, TensorElementType elementType)
    {
        var handle = new OrtValueHandle();
        nint value;
        fixed (long* dims = shape)
        {
            OrtNative.ThrowIfFailed(OrtNative.Api->CreateTensorAsOrtValue(OrtNative.Allocator, dims, (nuint)shape.Length, (int)elementType, &value));
        }

        handle.Attach(value);
        return new OrtValue(handle);
    }

    private static long CheckedElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                OrtThrow.InvalidArgument_NegativeDimension(shape);
            }

            count = checked(count * dim);
        }

        return count;
    }

    private sealed class TensorInfo
    {
        private static readonly TensorInfo _notATensor = new(TensorElementType.Undefined, [], 0);

        private TensorInfo(TensorElementType elementType, long[] shape, long elementCount)
        {
            ElementType = elementType;
            Shape = shape;
            ElementCount = elementCount;
        }

        public TensorElementType ElementType { get; }

        public long[] Shape { get; }

        public long ElementCount { get; }

        public static TensorInfo Read(nint value)
        {
            var api = OrtNative.Api;
            int isTensor;
            OrtNative.ThrowIfFailed(api->IsTensor(value, &isTensor));
            if (isTensor == 0)
            {
                return _notATensor;
            }

            nint info;
            OrtNative.ThrowIfFailed(api->GetTensorTypeAndShape(value, &info));
            try
            {
                int elementType;
                nuint rank;
                OrtNative.ThrowIfFailed(api->GetTensorElementType(info, &elementType));
                OrtNative.ThrowIfFailed(api->GetDimensionsCount(info, &rank));
                var shape = new long[(int)rank];
                fixed (long* dims = shape)
                {
                    OrtNative.ThrowIfFailed(api->GetDimensions(info, dims, rank));
                }

                long count = 1;
                foreach (var dim in shape)
                {
                    count *= dim;
                }

                return new TensorInfo((TensorElementType)elementType, shape, count);
            }
            finally
            {
                api->ReleaseTensorTypeAndShapeInfo(info);
            }
        }
    }
}
