using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

public class ConcurrencyTests
{
    [Fact]
    public void Run_EightThreadsTenThousandRunsEach_OnOneSession_AllOutputsCorrect()
    {
        const int threads = 8;
        const int runsPerThread = 10_000;
        const int distinctRows = 16;
        using var session = InferenceSession.Create(TestModels.DenseClassifier(), new OrtSessionOptions { IntraOpThreads = 1 });
        var failures = 0;
        var completed = 0;

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            // Each thread has its own rows (different seeds), so a result crossing threads would be caught.
            var x = InferenceSessionTests.Features(distinctRows, seed: 100 + t);
            var expected = TestModels.DenseExpected(x, distinctRows);
            var inputs = Enumerable.Range(0, distinctRows)
                .Select(r => OrtValue.CreateTensor(x.AsMemory(r * TestModels.DenseFeatures, TestModels.DenseFeatures), [1, TestModels.DenseFeatures]))
                .ToArray();
            try
            {
                for (var i = 0; i < runsPerThread; i++)
                {
                    var row = i % distinctRows;
                    using var results = session.Run([new NamedOrtValue("x", inputs[row])]);
                    var label = results[0].GetTensorData<long>()[0];
                    var p1 = results[1].GetTensorData<float>()[1];
                    if (label != expected[row].Label || Math.Abs(p1 - expected[row].P1) > 1e-5)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    Interlocked.Increment(ref completed);
                }
            }
            finally
            {
                foreach (var input in inputs)
                {
                    input.Dispose();
                }
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Equal(threads * runsPerThread, completed);
        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task Dispose_WhileOtherThreadsRun_NeverCrashes()
    {
        var session = InferenceSession.Create(TestModels.DenseClassifier(), new OrtSessionOptions { IntraOpThreads = 1 });
        var x = InferenceSessionTests.Features(1, seed: 9);
        using var input = OrtValue.CreateTensor<float>(x, [1, TestModels.DenseFeatures]);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new ManualResetEventSlim();

        var runners = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 2_000; i++)
            {
                try
                {
                    using var results = session.Run([new NamedOrtValue("x", input)]);
                    outcomes.Add("ok");
                }
                catch (ObjectDisposedException)
                {
                    outcomes.Add("disposed");
                    return;
                }
            }
        })).ToArray();

        start.Set();
        await Task.Delay(5);
        session.Dispose();
        await Task.WhenAll(runners);

        Assert.All(outcomes, o => Assert.True(o is "ok" or "disposed"));
    }
}
