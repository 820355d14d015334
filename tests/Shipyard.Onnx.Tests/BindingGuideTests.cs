using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Onnx.Tests.Models;
using Shipyard.Testing;

namespace Shipyard.Onnx.Tests;

/// <summary>Keeps docs/onnx-binding.md and the Node.js peer model honest.</summary>
[Collection(OrtLoggingTests.Name)]
public class BindingGuideTests
{
    [Fact]
    public void UsageExample_FromDocs_RunsOnTheBundledBreastCancerModel()
    {
        // The example of docs/onnx-binding.md, statement for statement.
        var loggerFactory = NullLoggerFactory.Instance;
        var cancellationToken = CancellationToken.None;
        const int rows = 3;
        OrtEnvironment.Instance.ConfigureLogging(loggerFactory, OrtLogLevel.Warning);
        var options = new OrtSessionOptions { IntraOpThreads = 1, ExecutionProvider = ExecutionProvider.Cpu };
        using var session = InferenceSession.Create(File.ReadAllBytes(Path.Combine(RepoPaths.Models, "breast-cancer", "1", "model.onnx")), options);
        Assert.Equal([-1L, 30L], session.Inputs[0].Dimensions);

        float[] features = new float[rows * 30];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = 10 + (i % 30);
        }

        using var input = OrtValue.CreateTensor<float>(features, [rows, 30]);
        using var results = session.Run([new NamedOrtValue("input", input)], ["label", "probabilities"], cancellationToken);

        ReadOnlySpan<long> labels = results["label"].GetTensorData<long>();
        Assert.Equal(rows, labels.Length);
        var probs = results["probabilities"];
        if (probs.ValueType == OrtValueType.Tensor)
        {
            ReadOnlySpan<float> p = probs.GetTensorData<float>();
            for (var r = 0; r < rows; r++)
            {
                Assert.Equal(1.0, p[r * 2] + p[(r * 2) + 1], 5);
                Assert.Equal(labels[r], p[(r * 2) + 1] > p[r * 2] ? 1 : 0);
            }
        }
        else
        {
            IReadOnlyList<Dictionary<long, float>> perRow = probs.ReadSequenceOfMaps<long, float>();
            Assert.Equal(rows, perRow.Count);
        }

        long[] kept = results["label"].ToArray<long>();
        Assert.Equal(labels.ToArray(), kept);
    }

    [Fact]
    public void PeerModel_IsTheDenseClassifierTheBenchmarkRuns()
    {
        var committed = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "peers", "ort-node", "dense-30x2.onnx"));

        Assert.Equal(TestModels.DenseClassifier(), committed);
    }
}
