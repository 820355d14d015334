using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Scoring.Internals;
using Shipyard.Tests.Onnx.Models;

namespace Shipyard.Benchmarks.Onnx;

/// <summary>
/// Per-call cost of one ONNX run, two ways over the same official ONNX Runtime session settings (one intra-op thread):
/// <see cref="Raw"/> wraps a float[] as an input tensor (zero-copy), runs, reads the label and probabilities and disposes —
/// the work tests/peers/ort-node/bench.js does through onnxruntime-node; <see cref="Scorer"/> scores a validated
/// <see cref="FeatureBatch"/> through Shipyard's own scorer (<see cref="ModelScorer"/>: pack, run, map outputs), the path
/// every HTTP prediction takes. See docs/benchmarks.md ("ONNX Runtime").
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "BenchmarkDotNet calls [GlobalCleanup], which disposes them.")]
public class OnnxRunBenchmarks
{
    private static readonly RunOptions RunOptions = new();
    private InferenceSession _session = null!;
    private OnnxScorer _scorer = null!;
    private FeatureBatch _batch = null!;
    private float[] _features = [];
    private string[] _inputNames = [];
    private string[] _outputNames = [];
    private long[] _shape = [];

    /// <summary>dense-30x2: the in-repo Gemm+Softmax model (tests/peers/ort-node/dense-30x2.onnx); breast-cancer: models/breast-cancer/1 (sklearn scaler + logistic regression).</summary>
    [Params("dense-30x2", "breast-cancer")]
    public string Model { get; set; } = "dense-30x2";

    [Params(1, 1024)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var manifest = ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoRoot(), "models", "breast-cancer", "1", "model.json")));
        var bytes = Model == "dense-30x2" ? TestModels.DenseClassifier() : File.ReadAllBytes(Path.Combine(RepoRoot(), "models", "breast-cancer", "1", "model.onnx"));
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(bytes, options);
        _inputNames = [_session.InputNames[0]];
        _outputNames = [.. _session.OutputNames];
        _shape = [Rows, 30];
        var random = new Random(42);
        _features = new float[Rows * 30];
        for (var i = 0; i < _features.Length; i++)
        {
            _features[i] = (float)(random.NextDouble() * 20);
        }

        // The scorer side: the breast-cancer manifest's features, over whichever graph (both take [N, 30] floats).
        var dense = manifest with { Onnx = manifest.Onnx with { Inputs = [manifest.Onnx.Inputs[0] with { Name = _inputNames[0] }], Outputs = new OnnxOutputMapping { Label = _outputNames[0], Probabilities = _outputNames[1] } } };
        _scorer = OnnxScorer.Load(Model == "dense-30x2" ? dense : manifest, bytes, null, out _);
        var instances = Enumerable.Range(0, Rows).Select(r => manifest.Features.Select((f, c) => (f.Name, Value: (double)_features[(r * 30) + c])).ToDictionary(p => p.Name, p => p.Value));
        _batch = InstanceValidator.Validate(_scorer.Manifest, JsonSerializer.SerializeToElement(instances));
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
    public void Cleanup()
    {
        _session.Dispose();
        _scorer.Dispose();
    }

    /// <summary>Raw ONNX Runtime: CreateTensorValueFromMemory + Run(RunOptions, …) + read.</summary>
    [Benchmark(Baseline = true)]
    public long Raw()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(_features, _shape);
        using var results = _session.Run(RunOptions, _inputNames, [input], _outputNames);
        var labels = results[0].GetTensorDataAsSpan<long>();
        var probabilities = results[1].GetTensorDataAsSpan<float>();
        return labels[^1] + (long)probabilities[^1];
    }

    /// <summary>Shipyard's scorer on a validated batch: pack, run, map to labels and probabilities.</summary>
    [Benchmark]
    public int Scorer() => ModelScorer.Run(_scorer, _batch, CancellationToken.None).Count;
}
