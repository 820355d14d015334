using BenchmarkDotNet.Attributes;
using Shipyard.Onnx;
using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Benchmarks.Onnx;

/// <summary>
/// Per-call cost of Shipyard.Onnx: wrap a float[] as an input tensor (zero-copy), Run, read the int64 label and
/// float probabilities, dispose — the same work tests/peers/ort-node/bench.js does through onnxruntime-node.
/// One intra-op thread on both sides. See docs/benchmarks.md ("ONNX binding").
/// </summary>
[MemoryDiagnoser]
public class OnnxRunBenchmarks
{
    private InferenceSession _session = null!;
    private float[] _features = [];
    private string _inputName = "";
    private long[] _shape = [];

    /// <summary>dense-30x2: the in-repo Gemm+Softmax model (tests/peers/ort-node/dense-30x2.onnx); breast-cancer: models/breast-cancer/1 (sklearn scaler + logistic regression).</summary>
    [Params("dense-30x2", "breast-cancer")]
    public string Model { get; set; } = "dense-30x2";

    [Params(1, 1024)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var bytes = Model == "dense-30x2"
            ? TestModels.DenseClassifier()
            : File.ReadAllBytes(Path.Combine(RepoRoot(), "models", "breast-cancer", "1", "model.onnx"));
        _session = InferenceSession.Create(bytes, new OrtSessionOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        _inputName = _session.Inputs[0].Name;
        _shape = [Rows, 30];
        var random = new Random(42);
        _features = new float[Rows * 30];
        for (var i = 0; i < _features.Length; i++)
        {
            _features[i] = (float)(random.NextDouble() * 20);
        }
    }

    /// <summary>The folder holding Functions.sln, found upwards from the benchmark's working directory or assembly.</summary>
    internal static string RepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Functions.sln not found; run the benchmarks from inside the repository.");
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark]
    public long Run()
    {
        using var input = OrtValue.CreateTensor<float>(_features, _shape);
        using var results = _session.Run([new NamedOrtValue(_inputName, input)]);
        var labels = results[0].GetTensorData<long>();
        var probabilities = results[1].GetTensorData<float>();
        return labels[^1] + (long)probabilities[^1];
    }
}
