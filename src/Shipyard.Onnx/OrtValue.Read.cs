using System.Text;
using Shipyard.Onnx.Internals;

namespace Shipyard.Onnx;

public sealed unsafe partial class OrtValue
{
    /// <summary>
    /// The tensor's elements in row-major order, without copying. The span points into memory owned by this value and is
    /// valid only until it is disposed.
    /// </summary>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the value is not a tensor or <typeparamref name="T"/> is not its element type.</exception>
    public ReadOnlySpan<T> GetTensorData<T>()
        where T : unmanaged => GetTensorMutableData<T>();

    /// <summary>
    /// Writable view of the tensor's elements (for tensors from <see cref="AllocateTensor{T}"/>), valid only until this value is disposed.
    /// </summary>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the value is not a tensor or <typeparamref name="T"/> is not its element type.</exception>
    public Span<T> GetTensorMutableData<T>()
        where T : unmanaged
    {
        var info = Info;
        if (info.ElementType != TensorTypes<T>.ElementType || info.ElementType == TensorElementType.Undefined)
        {
            if (info.ElementType == TensorElementType.Undefined)
            {
                OrtThrow.InvalidArgument_NotATensor(ValueType);
            }

            OrtThrow.InvalidArgument_ElementTypeMismatch(info.ElementType, typeof(T));
        }

        if (info.ElementCount == 0)
        {
            return [];
        }

        void* data;
        OrtNative.ThrowIfFailed(OrtNative.Api->GetTensorMutableData(NativeHandle, &data));
        return new Span<T>(data, checked((int)info.ElementCount));
    }

    /// <summary>Copies the tensor's elements into a new array (safe to keep after disposal).</summary>
    public T[] ToArray<T>()
        where T : unmanaged => GetTensorData<T>().ToArray();

    /// <summary>Copies the elements of a string tensor into managed strings (row-major).</summary>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the value is not a string tensor.</exception>
    public string[] ReadStrings()
    {
        var info = Info;
        if (info.ElementType != TensorElementType.String)
        {
            if (info.ElementType == TensorElementType.Undefined)
            {
                OrtThrow.InvalidArgument_NotATensor(ValueType);
            }

            OrtThrow.InvalidArgument_ElementTypeMismatch(info.ElementType, typeof(string));
        }

        var count = checked((int)info.ElementCount);
        if (count == 0)
        {
            return [];
        }

        var api = OrtNative.Api;
        var value = NativeHandle;
        nuint total;
        OrtNative.ThrowIfFailed(api->GetStringTensorDataLength(value, &total));
        var bytes = new byte[(int)total + 1];
        var offsets = new nuint[count];
        fixed (byte* buffer = bytes)
        fixed (nuint* starts = offsets)
        {
            OrtNative.ThrowIfFailed(api->GetStringTensorContent(value, buffer, total, starts, (nuint)count));
        }

        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            var start = (int)offsets[i];
            var end = i + 1 < count ? (int)offsets[i + 1] : (int)total;
            result[i] = Encoding.UTF8.GetString(bytes, start, end - start);
        }

        return result;
    }

    /// <summary>
    /// Copies a map value (for example one element of sklearn's ZipMap output) into a dictionary.
    /// </summary>
    /// <typeparam name="TKey"><see cref="long"/> or <see cref="string"/> (the map's key type).</typeparam>
    /// <typeparam name="TValue">The map's value type, e.g. <see cref="float"/>.</typeparam>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the value is not a map or the types differ.</exception>
    public Dictionary<TKey, TValue> ReadMap<TKey, TValue>()
        where TKey : notnull
        where TValue : unmanaged
    {
        var type = ValueType;
        if (type != OrtValueType.Map)
        {
            OrtThrow.InvalidArgument_WrongValueType(OrtValueType.Map, type);
        }

        using var keys = GetElement(0);
        using var values = GetElement(1);
        var valueData = values.GetTensorData<TValue>();
        var result = new Dictionary<TKey, TValue>(valueData.Length);
        if (typeof(TKey) == typeof(string))
        {
            var keyData = keys.ReadStrings();
            for (var i = 0; i < keyData.Length; i++)
            {
                result.Add((TKey)(object)keyData[i], valueData[i]);
            }
        }
        else if (typeof(TKey) == typeof(long))
        {
            var keyData = keys.GetTensorData<long>();
            for (var i = 0; i < keyData.Length; i++)
            {
                result.Add((TKey)(object)keyData[i], valueData[i]);
            }
        }
        else
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"Map keys are read as long or string, not {typeof(TKey).Name}.");
        }

        return result;
    }

    /// <summary>
    /// Copies a <c>seq(map(K, V))</c> value — sklearn's ZipMap output, one dictionary per row — into managed dictionaries.
    /// </summary>
    /// <typeparam name="TKey"><see cref="long"/> (class ids) or <see cref="string"/> (class labels).</typeparam>
    /// <typeparam name="TValue">Usually <see cref="float"/> (probabilities).</typeparam>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the value is not a sequence of maps with these types.</exception>
    public IReadOnlyList<Dictionary<TKey, TValue>> ReadSequenceOfMaps<TKey, TValue>()
        where TKey : notnull
        where TValue : unmanaged
    {
        var type = ValueType;
        if (type != OrtValueType.Sequence)
        {
            OrtThrow.InvalidArgument_WrongValueType(OrtValueType.Sequence, type);
        }

        var count = SequenceCount();
        var result = new Dictionary<TKey, TValue>[count];
        for (var i = 0; i < count; i++)
        {
            using var map = GetElement(i);
            result[i] = map.ReadMap<TKey, TValue>();
        }

        return result;
    }

    /// <summary>
    /// The elements of a sequence value (for example <c>seq(tensor(float))</c>) as new values; the caller disposes the collection.
    /// </summary>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidArgument"/> when the value is not a sequence.</exception>
    public OrtValueCollection ReadSequence()
    {
        var type = ValueType;
        if (type != OrtValueType.Sequence)
        {
            OrtThrow.InvalidArgument_WrongValueType(OrtValueType.Sequence, type);
        }

        var count = SequenceCount();
        var values = new OrtValue[count];
        var names = new string[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                values[i] = GetElement(i);
                names[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }

            throw;
        }

        return new OrtValueCollection(names, values);
    }

    private int SequenceCount()
    {
        nuint count;
        OrtNative.ThrowIfFailed(OrtNative.Api->GetValueCount(NativeHandle, &count));
        return checked((int)count);
    }

    private OrtValue GetElement(int index)
    {
        nint element;
        OrtNative.ThrowIfFailed(OrtNative.Api->GetValue(NativeHandle, index, OrtNative.Allocator, &element));
        return FromNative(element);
    }
}
