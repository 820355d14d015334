using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

public class InferenceSessionTests
{
    private static readonly OrtSessionOptions SingleThread = new() { IntraOpThreads = 1 };

    [Fact]
    public void Create_FromBytes_ExposesInputOutputMetadataWithSymbolicDims()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal(OrtValueType.Tensor, input.ValueType);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 30L], input.Dimensions);
        Assert.Equal(["N", ""], input.SymbolicDimensions);
        Assert.Equal("tensor(float)", input.TypeName);

        Assert.Equal(["label", "probabilities"], session.Outputs.Select(o => o.Name));
        Assert.Equal(TensorElementType.Int64, session.Outputs[0].ElementType);
        Assert.Equal([-1L, 2L], session.Outputs[1].Dimensions);
        Assert.Equal(ExecutionProvider.Cpu, session.ExecutionProvider);
    }

    [Fact]
    public void Create_FromBytes_ExposesModelMetadata()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);

        var metadata = session.ModelMetadata;
        Assert.Equal("shipyard-tests", metadata.ProducerName);
        Assert.Equal("dense_classifier", metadata.GraphName);
        Assert.Equal("30->2 Gemm+Softmax", metadata.Description);
        Assert.Equal(3, metadata.Version);
        Assert.Equal("shipyard", metadata.CustomMetadata["author"]);
        Assert.Equal("malignant,benign", metadata.CustomMetadata["labels"]);
        Assert.Equal(2, metadata.CustomMetadata.Count);
    }

    [Fact]
    public void Create_FromPath_LoadsTheSameModel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shipyard-dense-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, TestModels.DenseClassifier());
        try
        {
            using var session = InferenceSession.Create(path, SingleThread);
            Assert.Equal("dense_classifier", session.ModelMetadata.GraphName);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_DenseClassifier_MatchesReferenceComputation()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);
        const int rows = 64;
        var x = Features(rows, seed: 7);
        var expected = TestModels.DenseExpected(x, rows);

        using var input = OrtValue.CreateTensor<float>(x, [rows, TestModels.DenseFeatures]);
        using var results = session.Run([new NamedOrtValue("x", input)]);

        Assert.Equal(["label", "probabilities"], results.Names);
        Assert.Equal([rows], results["label"].Shape.ToArray());
        Assert.Equal([rows, 2L], results["probabilities"].Shape.ToArray());
        var labels = results["label"].GetTensorData<long>();
        var probabilities = results["probabilities"].GetTensorData<float>();
        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(expected[r].Label, labels[r]);
            Assert.Equal(expected[r].P0, probabilities[r * 2], 5);
            Assert.Equal(expected[r].P1, probabilities[(r * 2) + 1], 5);
        }
    }

    [Fact]
    public void Run_RequestedOutputs_ReturnsOnlyThoseInRequestedOrder()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);
        var x = Features(2, seed: 1);
        using var input = OrtValue.CreateTensor<float>(x, [2, TestModels.DenseFeatures]);

        using var results = session.Run([new NamedOrtValue("x", input)], ["probabilities"]);

        Assert.Single(results);
        Assert.Equal("probabilities", results.Names[0]);
        Assert.Equal(TensorElementType.Float, results[0].ElementType);
        Assert.Throws<KeyNotFoundException>(() => results["label"]);
    }

    [Fact]
    public void Run_TwoNamedInputs_BindsByNameNotPosition()
    {
        using var session = InferenceSession.Create(TestModels.Add(), SingleThread);
        float[] a = [1, 2, 3];
        float[] b = [10, 20, 30];
        using var va = OrtValue.CreateTensor<float>(a, [1, 3]);
        using var vb = OrtValue.CreateTensor<float>(b, [1, 3]);

        using var results = session.Run([new NamedOrtValue("b", vb), new NamedOrtValue("a", va)]);

        Assert.Equal([11f, 22f, 33f], results["sum"].ToArray<float>());
    }

    [Fact]
    public void Run_ZipMapInt64Labels_ReturnsOneDictionaryPerRow()
    {
        using var session = InferenceSession.Create(TestModels.ZipMap(stringLabels: false), SingleThread);
        Assert.Equal("seq(map(int64,tensor(float)))", session.Outputs[0].TypeName);
        Assert.Equal(OrtValueType.Sequence, session.Outputs[0].ValueType);
        float[] p = [0.9f, 0.1f, 0.3f, 0.7f];
        using var input = OrtValue.CreateTensor<float>(p, [2, 2]);

        using var results = session.Run([new NamedOrtValue("probabilities", input)]);

        var rows = results["output_probability"].ReadSequenceOfMaps<long, float>();
        Assert.Equal(2, rows.Count);
        Assert.Equal(0.9f, rows[0][0]);
        Assert.Equal(0.1f, rows[0][1]);
        Assert.Equal(0.3f, rows[1][0]);
        Assert.Equal(0.7f, rows[1][1]);
    }

    [Fact]
    public void Run_ZipMapStringLabels_ReturnsDictionariesKeyedByLabel()
    {
        using var session = InferenceSession.Create(TestModels.ZipMap(stringLabels: true), SingleThread);
        Assert.Equal("seq(map(string,tensor(float)))", session.Outputs[0].TypeName);
        float[] p = [0.25f, 0.75f];
        using var input = OrtValue.CreateTensor<float>(p, [1, 2]);

        using var results = session.Run([new NamedOrtValue("probabilities", input)], ["output_probability"]);

        var row = Assert.Single(results[0].ReadSequenceOfMaps<string, float>());
        Assert.Equal(0.25f, row["malignant"]);
        Assert.Equal(0.75f, row["benign"]);
    }

    [Fact]
    public void Run_ZipMapSequence_CanBeReadElementByElement()
    {
        using var session = InferenceSession.Create(TestModels.ZipMap(stringLabels: false), SingleThread);
        float[] p = [0.6f, 0.4f];
        using var input = OrtValue.CreateTensor<float>(p, [1, 2]);
        using var results = session.Run([new NamedOrtValue("probabilities", input)]);

        using var elements = results[0].ReadSequence();

        var map = Assert.Single(elements);
        Assert.Equal(OrtValueType.Map, map.ValueType);
        Assert.Equal(0.4f, map.ReadMap<long, float>()[1]);
    }

    [Fact]
    public void Run_ZeroCopyInput_SeesChangesToTheManagedBufferBetweenRuns()
    {
        using var session = InferenceSession.Create(TestModels.Identity(TensorElementType.Float), SingleThread);
        var buffer = new float[] { 1, 2, 3 };
        using var input = OrtValue.CreateTensor<float>(buffer, [1, 3]);

        using (var first = session.Run([new NamedOrtValue("x", input)]))
        {
            Assert.Equal([1f, 2f, 3f], first[0].ToArray<float>());
        }

        buffer[1] = 42; // same pinned memory: ORT reads it in place
        using var second = session.Run([new NamedOrtValue("x", input)]);
        Assert.Equal([1f, 42f, 3f], second[0].ToArray<float>());
    }

    [Fact]
    public void Run_SliceOfLargerBuffer_UsesOnlyTheSlice()
    {
        using var session = InferenceSession.Create(TestModels.Identity(TensorElementType.Float), SingleThread);
        var buffer = new float[] { 9, 9, 1, 2, 3, 4, 5, 6, 9 };
        using var input = OrtValue.CreateTensor(buffer.AsMemory(2, 6), [2, 3]);

        using var results = session.Run([new NamedOrtValue("x", input)]);

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], results[0].ToArray<float>());
    }

    [Fact]
    public void Run_EmptyBatch_ReturnsEmptyOutputs()
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(Array.Empty<float>(), [0, TestModels.DenseFeatures]);

        using var results = session.Run([new NamedOrtValue("x", input)]);

        Assert.Equal([0L], results["label"].Shape.ToArray());
        Assert.True(results["label"].GetTensorData<long>().IsEmpty);
    }

    [Fact]
    public void Create_WithAllOptions_WritesOptimizedModelAndRuns()
    {
        var optimized = Path.Combine(Path.GetTempPath(), $"shipyard-opt-{Guid.NewGuid():N}.onnx");
        var options = new OrtSessionOptions
        {
            IntraOpThreads = 2,
            InterOpThreads = 2,
            ExecutionMode = ExecutionMode.Parallel,
            GraphOptimizationLevel = GraphOptimizationLevel.Extended,
            EnableMemoryPattern = false,
            EnableCpuMemoryArena = false,
            OptimizedModelPath = optimized,
            LogId = "options-test",
            ConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
        };
        try
        {
            using var session = InferenceSession.Create(TestModels.DenseClassifier(), options);
            Assert.True(File.Exists(optimized));
            Assert.True(new FileInfo(optimized).Length > 0);
            using var reloaded = InferenceSession.Create(optimized, SingleThread);
            Assert.Equal(["label", "probabilities"], reloaded.Outputs.Select(o => o.Name));
        }
        finally
        {
            File.Delete(optimized);
        }
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.Disabled)]
    [InlineData(GraphOptimizationLevel.Basic)]
    [InlineData(GraphOptimizationLevel.Extended)]
    [InlineData(GraphOptimizationLevel.Layout)]
    [InlineData(GraphOptimizationLevel.All)]
    public void Create_EveryOptimizationLevel_GivesTheSameResult(GraphOptimizationLevel level)
    {
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), SingleThread with { GraphOptimizationLevel = level });
        var x = Features(3, seed: 3);
        using var input = OrtValue.CreateTensor<float>(x, [3, TestModels.DenseFeatures]);
        using var results = session.Run([new NamedOrtValue("x", input)]);
        var expected = TestModels.DenseExpected(x, 3);
        Assert.Equal(expected.Select(e => e.Label), results["label"].ToArray<long>());
    }

    [Fact]
    public void Dispose_WhileValuesOutstanding_KeepsOutputsReadable()
    {
        var session = InferenceSession.Create(TestModels.Identity(TensorElementType.Int64), SingleThread);
        using var input = OrtValue.CreateTensor<long>(new long[] { 1, 2, 3 }, [1, 3]);
        using var results = session.Run([new NamedOrtValue("x", input)]);
        session.Dispose();

        Assert.Equal([1L, 2L, 3L], results[0].ToArray<long>());
        Assert.Throws<ObjectDisposedException>(() => session.Run([new NamedOrtValue("x", input)]));
    }

    internal static float[] Features(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * TestModels.DenseFeatures];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 20) - 10);
        }

        return x;
    }
}
