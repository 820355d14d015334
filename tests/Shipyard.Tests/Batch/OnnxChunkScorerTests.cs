using System.Text;
using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Batch;
using Shipyard.Batch.Internals;
using Shipyard.Models;
using Shipyard.Scoring.Internals;
using Shipyard.Tests.Onnx.Models;
using Xunit;

namespace Shipyard.Tests.Batch;

/// <summary>Batch scores through the version's scorer in runs of at most <c>runtime.maxBatch</c> rows, as HTTP does.</summary>
public class OnnxChunkScorerTests
{
    [Fact]
    public async Task ScoreAsync_GraphTakingOneRowAtATime_ScoresEveryRowOfTheChunk()
    {
        // y = 2a - 3b + 0.5 on a graph whose input is declared [1, 2]: a run of more rows fails inside ONNX Runtime.
        var manifest = new ModelManifest
        {
            Name = "linear",
            Version = "1",
            Task = ModelTask.Regression,
            Features = [new FeatureSpec { Name = "a", Type = FeatureType.Float }, new FeatureSpec { Name = "b", Type = FeatureType.Float }],
            Onnx = new OnnxMapping { Inputs = [new OnnxInputMapping { Name = "x", Features = ["a", "b"] }], Outputs = new OnnxOutputMapping { Value = "y" } },
            Runtime = new RuntimeSettings { MaxBatch = 1 },
            Sha256 = "",
        };
        var model = new OnnxModelBuilder { GraphName = "linear" }
            .Input("x", TensorElementType.Float, 1, 2)
            .FloatInitializer("W", [2f, -3f], 2, 1)
            .FloatInitializer("B", [0.5f], 1)
            .Node("MatMul", ["x", "W"], ["xw"])
            .Node("Add", ["xw", "B"], ["y"])
            .Output("y", TensorElementType.Float, 1, 1)
            .Build();
        using var scorer = OnnxScorer.Load(manifest, model, null, out _);
        using var source = new MemoryStream(Encoding.UTF8.GetBytes("a,b\n1,0\n0,1\n2,2\n"));
        using var scored = new MemoryStream();

        var report = await new BatchScorer().ScoreAsync(manifest, () => new OnnxChunkScorer(scorer), new BatchInputInfo("in.csv", null, source.Length), source, scored, Stream.Null, null, CancellationToken.None);

        Assert.Equal(3, report.Rows.Scored);
        Assert.Equal(["a,b,prediction", "1,0,2.5", "0,1,-2.5", "2,2,-1.5"], Encoding.UTF8.GetString(scored.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }
}
