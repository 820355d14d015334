using System.Collections.Concurrent;
using Shipyard.Models;
using Shipyard.Models.Internals;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Tests.Onnx.Models;
using Shipyard.Scoring;
using Shipyard.Scoring.Internals;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>
/// <see cref="MicroBatcher"/> over real ONNX Runtime sessions of models built for the purpose: when the run that several
/// queued requests share fails, each request is run again on its own and gets its own answer or its own error.
/// </summary>
public sealed class MicroBatcherTests
{
    // Far longer than any test: every run here starts because MaxBatch rows have queued, never because the wait ran out.
    private static readonly TimeSpan NoTimer = TimeSpan.FromMinutes(10);

    // A run that never starts fails the test instead of waiting out NoTimer.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // y = 2a - 3b + 0.5, one float input x = [a, b].
    private static readonly ModelManifest LinearManifest = new()
    {
        Name = "linear",
        Version = "1",
        Task = ModelTask.Regression,
        Features = [new FeatureSpec { Name = "a", Type = FeatureType.Float }, new FeatureSpec { Name = "b", Type = FeatureType.Float }],
        Onnx = new OnnxMapping { Inputs = [new OnnxInputMapping { Name = "x", Features = ["a", "b"] }], Outputs = new OnnxOutputMapping { Value = "y" } },
        Sha256 = "",
    };

    // y = [10, 20, 30, 40][i], one int64 input i.
    private static readonly ModelManifest LookupManifest = new()
    {
        Name = "lookup",
        Version = "1",
        Task = ModelTask.Regression,
        Features = [new FeatureSpec { Name = "i", Type = FeatureType.Int }],
        Onnx = new OnnxMapping { Inputs = [new OnnxInputMapping { Name = "i", ElementType = OnnxElementType.Int64, Features = ["i"] }], Outputs = new OnnxOutputMapping { Value = "y" } },
        Sha256 = "",
    };

    [Fact]
    public async Task ScoreAsync_CoalescedRunFails_EachRequestRetriedAloneGetsItsOwnScores()
    {
        var requests = Enumerable.Range(0, 8).Select(r => LinearRow(r, r / 2.0)).ToArray();

        // The premise, twice over: these requests share one run (shown with a model that takes any batch size) ...
        using (var anyRows = Scorer(LinearManifest, Linear(batch: "N")))
        {
            var runs = new ConcurrentQueue<(int Requests, int Rows)>();
            await Task.WhenAll(ScoreTogether(Load(LinearManifest, anyRows), requests, runs));
            Assert.Equal([(8, 8)], runs);
        }

        // ... and a run of several rows fails inside ONNX Runtime when the model's input is declared [1, 2].
        using var oneRow = Scorer(LinearManifest, Linear(batch: 1));
        Assert.Throws<ModelRunException>(() => ModelScorer.Run(oneRow, FeatureBatch.Concat(requests), CancellationToken.None));
        var alone = requests.Select(b => ModelScorer.Run(oneRow, b, CancellationToken.None).Values).ToArray();

        var retried = new ConcurrentQueue<(int Requests, int Rows)>();
        var scores = await Task.WhenAll(ScoreTogether(Load(LinearManifest, oneRow), requests, retried));

        Assert.Equal(Enumerable.Repeat((1, 1), requests.Length), retried); // each retry counts as a run of its own

        for (var r = 0; r < requests.Length; r++)
        {
            double[] expected = [(0.5 * r) + 0.5]; // 2r - 3(r/2) + 0.5, exact in float
            Assert.Equal(expected, scores[r].Values);
            Assert.Equal(alone[r], scores[r].Values);
        }
    }

    [Fact]
    public async Task ScoreAsync_OneRequestsRowsFailAlone_OnlyThatRequestGetsTheError()
    {
        // Gather fails the whole run on any index outside the table: 4 is one past its end.
        FeatureBatch[] requests = [LookupRows(0), LookupRows(1, 2), LookupRows(3, 4), LookupRows(2, 1, 0), LookupRows(3)];
        const int Bad = 2;
        using var session = Scorer(LookupManifest, Lookup());
        var loaded = Load(LookupManifest, session);

        // The premise: without the bad request the others share one run, and the bad request's rows fail on their own.
        var runs = new ConcurrentQueue<(int Requests, int Rows)>();
        await Task.WhenAll(ScoreTogether(loaded, [.. requests.Where((_, i) => i != Bad)], runs));
        Assert.Equal([(4, 7)], runs);
        var error = Assert.Throws<ModelRunException>(() => ModelScorer.Run(session, requests[Bad], CancellationToken.None));
        Assert.Contains("out of data bounds", error.Message, StringComparison.Ordinal);

        var scoring = ScoreTogether(loaded, requests);

        var thrown = await Assert.ThrowsAsync<ModelRunException>(() => scoring[Bad]);
        Assert.Equal(error.Message, thrown.Message);
        double[][] expected = [[10], [20, 30], [], [30, 20, 10], [40]];
        foreach (var r in Enumerable.Range(0, requests.Length).Where(r => r != Bad))
        {
            var scores = await scoring[r];
            Assert.Equal(expected[r], scores.Values);
            Assert.Equal(ModelScorer.Run(session, requests[r], CancellationToken.None).Values, scores.Values);
        }
    }

    /// <summary>
    /// Queues every request before any of them runs: MaxBatch is their total row count, so the last one to queue starts
    /// one run of all of them, whatever the thread timing. <paramref name="runs"/> records each run's (requests, rows)
    /// as the batcher reports it: successful runs, and each request of a failed shared run retried alone.
    /// </summary>
    private static Task<RawScores>[] ScoreTogether(LoadedVersion loaded, FeatureBatch[] requests, ConcurrentQueue<(int Requests, int Rows)>? runs = null)
    {
        var options = new MicroBatchingOptions { MaxBatch = requests.Sum(b => b.Count), MaxDelay = NoTimer };
        var batcher = new MicroBatcher(loaded, options, (_, count, rows) => runs?.Enqueue((count, rows)));
        return [.. requests.Select(b => batcher.ScoreAsync(b, CancellationToken.None).WaitAsync(Timeout))];
    }

    // The scorer stays the caller's: it is disposed by the test's using, not by LoadedVersion.Release.
    private static LoadedVersion Load(ModelManifest manifest, OnnxScorer scorer) => new(manifest, scorer, "", DateTimeOffset.UnixEpoch);

    private static OnnxScorer Scorer(ModelManifest manifest, byte[] model) => OnnxScorer.Load(manifest, model, modelPath: null, out _);

    private static byte[] Linear(object batch) =>
        new OnnxModelBuilder { GraphName = "linear" }
            .Input("x", TensorElementType.Float, batch, 2)
            .FloatInitializer("W", [2f, -3f], 2, 1)
            .FloatInitializer("B", [0.5f], 1)
            .Node("MatMul", ["x", "W"], ["xw"])
            .Node("Add", ["xw", "B"], ["y"])
            .Output("y", TensorElementType.Float, batch, 1)
            .Build();

    private static byte[] Lookup() =>
        new OnnxModelBuilder { GraphName = "lookup" }
            .Input("i", TensorElementType.Int64, "N", 1)
            .FloatInitializer("table", [10f, 20f, 30f, 40f], 4)
            .Node("Gather", ["table", "i"], ["y"])
            .Output("y", TensorElementType.Float, "N", 1)
            .Build();

    private static FeatureBatch LinearRow(double a, double b)
    {
        var batch = new FeatureBatch(LinearManifest);
        var row = batch.AddRow();
        batch.SetNumber(row, 0, a);
        batch.SetNumber(row, 1, b);
        return batch;
    }

    private static FeatureBatch LookupRows(params long[] indexes)
    {
        var batch = new FeatureBatch(LookupManifest);
        foreach (var i in indexes)
        {
            batch.SetInteger(batch.AddRow(), 0, i);
        }

        return batch;
    }
}
