using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

/// <summary>Every bad input surfaces as an exception naming the problem, never as a native crash.</summary>
public class ErrorPathTests
{
    private static readonly OrtSessionOptions SingleThread = new() { IntraOpThreads = 1 };

    [Fact]
    public void Run_WrongDimension_ThrowsInvalidArgumentNamingInput()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[5], [1, 5]);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new NamedOrtValue("x", input)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("x", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected: 30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WrongRank_ThrowsInvalidArgument()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[30], [30]);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new NamedOrtValue("x", input)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("rank", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Run_WrongElementType_ThrowsInvalidArgumentWithBothTypes()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);
        using var input = OrtValue.CreateTensor<double>(new double[30], [1, 30]);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new NamedOrtValue("x", input)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("tensor(double)", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor(float)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownInputName_ThrowsListingValidNames()
    {
        using var session = InferenceSession.Create(TestModels.Add(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[3], [1, 3]);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new NamedOrtValue("c", input)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Equal("The model has no input named 'c'. Its inputs are: 'a', 'b'.", error.Message);
    }

    [Fact]
    public void Run_UnknownOutputName_ThrowsListingValidNames()
    {
        using var session = InferenceSession.Create(TestModels.Add(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[3], [1, 3]);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new NamedOrtValue("a", input), new NamedOrtValue("b", input)], ["total"]));

        Assert.Equal("The model has no output named 'total'. Its outputs are: 'sum'.", error.Message);
    }

    [Fact]
    public void Run_MissingInput_ThrowsNamingIt()
    {
        using var session = InferenceSession.Create(TestModels.Add(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[3], [1, 3]);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new NamedOrtValue("a", input)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Equal("Missing input(s): 'b'. The model needs: 'a', 'b'.", error.Message);
    }

    [Fact]
    public void Run_DuplicateInput_Throws()
    {
        using var session = InferenceSession.Create(TestModels.Add(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[3], [1, 3]);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new NamedOrtValue("a", input), new NamedOrtValue("a", input)]));

        Assert.Equal("Input 'a' is given more than once.", error.Message);
    }

    [Fact]
    public void Run_DisposedInput_ThrowsObjectDisposed()
    {
        using var session = InferenceSession.Create(TestModels.Identity(TensorElementType.Float), SingleThread);
        var input = OrtValue.CreateTensor<float>(new float[3], [1, 3]);
        input.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run([new NamedOrtValue("x", input)]));
    }

    [Fact]
    public void Create_CorruptBytes_ThrowsInvalidProtobuf()
    {
        // A truncated varint after the last field: the protobuf parser must reject the message.
        byte[] bytes = [.. TestModels.DenseClassifier(), 0xFF, 0xFF, 0xFF];

        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(bytes));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
    }

    [Fact]
    public void Create_TextInsteadOfModel_ThrowsInvalidProtobuf()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create("this is not an onnx model"u8));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
    }

    [Fact]
    public void Create_TruncatedModel_Throws()
    {
        var bytes = TestModels.DenseClassifier();

        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(bytes.AsSpan(0, bytes.Length / 2)));

        Assert.NotEqual(OrtErrorCode.Ok, error.ErrorCode);
    }

    [Fact]
    public void Create_RandomBytes_NeverCrashes()
    {
        var random = new Random(1234);
        var model = TestModels.DenseClassifier();
        for (var i = 0; i < 200; i++)
        {
            // Half pure noise, half a real model with a few bytes flipped (gets further into ORT's parser and graph checks).
            var bytes = i % 2 == 0 ? new byte[random.Next(1, 400)] : (byte[])model.Clone();
            if (i % 2 == 0)
            {
                random.NextBytes(bytes);
            }
            else
            {
                for (var k = 0; k < 3; k++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }

            try
            {
                using var session = InferenceSession.Create(bytes, SingleThread);
            }
            catch (OnnxRuntimeException error)
            {
                Assert.NotEqual(OrtErrorCode.Ok, error.ErrorCode);
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }
        }
    }

    [Fact]
    public void Create_EmptyBytes_ThrowsInvalidProtobuf()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(ReadOnlySpan<byte>.Empty));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_EmptyFile_ThrowsInvalidProtobufNamingFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shipyard-empty-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, []);
        try
        {
            var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(path));

            Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Create_MissingFile_ThrowsNoSuchFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shipyard-missing-{Guid.NewGuid():N}.onnx");

        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(path));

        Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownOperator_ThrowsFromOrt()
    {
        var bytes = new OnnxModelBuilder()
            .Input("x", TensorElementType.Float, 1)
            .Node("NoSuchOperator", ["x"], ["y"])
            .Output("y", TensorElementType.Float, 1)
            .Build();

        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(bytes));

        Assert.Contains("NoSuchOperator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NegativeThreadCount_ThrowsInvalidArgument()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Create(TestModels.Add(), new OrtSessionOptions { IntraOpThreads = -1 }));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
    }

    [Fact]
    public void Create_BadConfigEntryValue_ThrowsFromOrt()
    {
        var options = new OrtSessionOptions { ConfigEntries = new Dictionary<string, string> { ["session.use_env_allocators"] = "not-a-bool" } };

        // ORT validates some entries when the session is created; either it rejects the value or ignores it — never a crash.
        try
        {
            using var session = InferenceSession.Create(TestModels.Add(), options);
        }
        catch (OnnxRuntimeException error)
        {
            Assert.NotEqual(OrtErrorCode.Ok, error.ErrorCode);
        }
    }
}
