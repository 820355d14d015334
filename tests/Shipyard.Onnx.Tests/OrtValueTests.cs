using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

public class OrtValueTests
{
    private static readonly OrtSessionOptions SingleThread = new() { IntraOpThreads = 1 };

    [Fact]
    public void Identity_Float_RoundTrips() => RoundTrip<float>(TensorElementType.Float, [1.5f, -2.25f, float.MaxValue, float.Epsilon, 0f, -0f]);

    [Fact]
    public void Identity_Double_RoundTrips() => RoundTrip<double>(TensorElementType.Double, [1.5, -2.25, double.MaxValue, 1e-300, 0, 3]);

    [Fact]
    public void Identity_Int64_RoundTrips() => RoundTrip<long>(TensorElementType.Int64, [long.MinValue, -1, 0, 1, long.MaxValue, 42]);

    [Fact]
    public void Identity_Int32_RoundTrips() => RoundTrip<int>(TensorElementType.Int32, [int.MinValue, -1, 0, 1, int.MaxValue, 42]);

    [Fact]
    public void Identity_Int16_RoundTrips() => RoundTrip<short>(TensorElementType.Int16, [short.MinValue, -1, 0, 1, short.MaxValue, 42]);

    [Fact]
    public void Identity_Int8_RoundTrips() => RoundTrip<sbyte>(TensorElementType.Int8, [sbyte.MinValue, -1, 0, 1, sbyte.MaxValue, 42]);

    [Fact]
    public void Identity_UInt8_RoundTrips() => RoundTrip<byte>(TensorElementType.UInt8, [0, 1, 127, 128, 255, 42]);

    [Fact]
    public void Identity_UInt16_RoundTrips() => RoundTrip<ushort>(TensorElementType.UInt16, [0, 1, 127, 128, ushort.MaxValue, 42]);

    [Fact]
    public void Identity_UInt32_RoundTrips() => RoundTrip<uint>(TensorElementType.UInt32, [0, 1, 127, 128, uint.MaxValue, 42]);

    [Fact]
    public void Identity_UInt64_RoundTrips() => RoundTrip<ulong>(TensorElementType.UInt64, [0, 1, 127, 128, ulong.MaxValue, 42]);

    [Fact]
    public void Identity_Bool_RoundTrips() => RoundTrip<bool>(TensorElementType.Bool, [true, false, true, true, false, false]);

    [Fact]
    public void Identity_Float16_RoundTrips() => RoundTrip<Half>(TensorElementType.Float16, [(Half)1.5f, (Half)(-2.25f), Half.MaxValue, Half.Epsilon, (Half)0f, (Half)65504f]);

    [Fact]
    public void Identity_String_RoundTripsUtf8()
    {
        using var session = InferenceSession.Create(TestModels.Identity(TensorElementType.String), SingleThread);
        Assert.Equal(TensorElementType.String, session.Inputs[0].ElementType);
        string[] values = ["", "plain", "ünïcödé ✓", "with\0nul", new string('x', 10_000), "last"];
        using var input = OrtValue.CreateStringTensor(values, [2, 3]);
        Assert.Equal(TensorElementType.String, input.ElementType);

        using var results = session.Run([new NamedOrtValue("x", input)]);

        Assert.Equal(TensorElementType.String, results[0].ElementType);
        Assert.Equal([2L, 3L], results[0].Shape.ToArray());
        Assert.Equal(values, results[0].ReadStrings());
    }

    [Fact]
    public void CreateTensor_ShapeDoesNotMatchBuffer_Throws()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => OrtValue.CreateTensor<float>(new float[5], [2, 3]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Equal("Shape [2,3] holds 6 elements but the buffer has 5. Pass a shape whose product equals the buffer length.", error.Message);
    }

    [Fact]
    public void CreateTensor_NegativeDimension_Throws()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => OrtValue.CreateTensor<float>(new float[3], [-1, 3]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
    }

    [Fact]
    public void CreateTensor_TypeWithoutOnnxMapping_Throws()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => OrtValue.CreateTensor<decimal>(new decimal[1], [1]));

        Assert.Contains("System.Decimal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateStringTensor_NullElement_Throws()
    {
        Assert.Throws<ArgumentException>(() => OrtValue.CreateStringTensor(["a", null!], [2]));
    }

    [Fact]
    public void GetTensorData_WrongType_ThrowsNamingBoth()
    {
        using var value = OrtValue.CreateTensor<float>(new float[2], [2]);

        var error = Assert.Throws<OnnxRuntimeException>(() => value.GetTensorData<long>().Length);

        Assert.Equal("The tensor holds float elements; they cannot be read as Int64.", error.Message);
    }

    [Fact]
    public void ReadStrings_OnNumericTensor_Throws()
    {
        using var value = OrtValue.CreateTensor<float>(new float[2], [2]);

        Assert.Throws<OnnxRuntimeException>(() => value.ReadStrings());
    }

    [Fact]
    public void ReadSequenceOfMaps_OnTensor_Throws()
    {
        using var value = OrtValue.CreateTensor<float>(new float[2], [2]);

        var error = Assert.Throws<OnnxRuntimeException>(() => value.ReadSequenceOfMaps<long, float>());

        Assert.Equal("The value is a tensor, not a sequence.", error.Message);
    }

    [Fact]
    public void AllocateTensor_IsWritableAndRunnable()
    {
        using var session = InferenceSession.Create(TestModels.Identity(TensorElementType.Int32), SingleThread);
        using var input = OrtValue.AllocateTensor<int>([2, 3]);
        var data = input.GetTensorMutableData<int>();
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i * 10;
        }

        using var results = session.Run([new NamedOrtValue("x", input)]);

        Assert.Equal([0, 10, 20, 30, 40, 50], results[0].ToArray<int>());
    }

    [Fact]
    public void Scalar_HasEmptyShapeAndOneElement()
    {
        using var value = OrtValue.CreateTensor<float>(new float[] { 7 }, []);

        Assert.Equal(0, value.Shape.Length);
        Assert.Equal(1, value.ElementCount);
        Assert.Equal(7f, value.GetTensorData<float>()[0]);
    }

    [Fact]
    public void Dispose_Twice_IsHarmless()
    {
        var value = OrtValue.CreateTensor<float>(new float[1], [1]);
        value.Dispose();
        value.Dispose();
        Assert.Throws<ObjectDisposedException>(() => value.ElementType);
    }

    private static void RoundTrip<T>(TensorElementType type, T[] values)
        where T : unmanaged
    {
        using var session = InferenceSession.Create(TestModels.Identity(type), SingleThread);
        Assert.Equal(type, session.Inputs[0].ElementType);
        using var input = OrtValue.CreateTensor<T>(values, [2, 3]);
        Assert.Equal(type, input.ElementType);

        using var results = session.Run([new NamedOrtValue("x", input)]);

        Assert.Equal(type, results[0].ElementType);
        Assert.Equal([2L, 3L], results[0].Shape.ToArray());
        Assert.Equal(values, results[0].ToArray<T>());
    }
}
