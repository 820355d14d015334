using System.Diagnostics;
using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

public class CancellationTests
{
    private static readonly OrtSessionOptions SingleThread = new() { IntraOpThreads = 1 };

    [Fact]
    public async Task Run_CancelledWhileRunning_StopsWithOperationCanceled()
    {
        // 300 chained 256x256 MatMuls: about a second of work on one thread, so the cancel lands mid-run.
        const int size = 256;
        using var session = InferenceSession.Create(TestModels.SlowChain(size, steps: 300), SingleThread);
        var x = new float[size * size];
        Array.Fill(x, 1f);
        using var input = OrtValue.CreateTensor<float>(x, [size, size]);
        using var uncancelled = new CancellationTokenSource();

        // Warm-up first (the first run also allocates the arena), then the reference: how long a full run takes.
        using (session.Run([new NamedOrtValue("x", input)], uncancelled.Token))
        {
        }

        var full = Stopwatch.StartNew();
        using (session.Run([new NamedOrtValue("x", input)], uncancelled.Token))
        {
        }

        full.Stop();

        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => session.Run([new NamedOrtValue("x", input)], cts.Token));
        await Task.Delay(TimeSpan.FromTicks(full.Elapsed.Ticks / 20));
        await cts.CancelAsync();

        var error = await Assert.ThrowsAsync<OperationCanceledException>(() => run);
        Assert.Equal(cts.Token, error.CancellationToken);
        var ortError = Assert.IsType<OnnxRuntimeException>(error.InnerException);
        Assert.Contains("terminate", ortError.Message, StringComparison.OrdinalIgnoreCase);

        // The session stays usable: the terminate flag belonged to that run only.
        using var again = session.Run([new NamedOrtValue("x", input)], CancellationToken.None);
        Assert.Equal(1f, again[0].GetTensorData<float>()[0]);
    }

    [Fact]
    public void Run_AlreadyCancelled_ThrowsWithoutRunning()
    {
        using var session = InferenceSession.Create(TestModels.Add(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[3], [1, 3]);

        Assert.Throws<OperationCanceledException>(() => session.Run([new NamedOrtValue("a", input), new NamedOrtValue("b", input)], new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Run_CancellableTokenNotCancelled_Completes()
    {
        using var session = InferenceSession.Create(TestModels.Add(), SingleThread);
        using var input = OrtValue.CreateTensor<float>(new float[] { 1, 2, 3 }, [1, 3]);
        using var cts = new CancellationTokenSource();

        using var results = session.Run([new NamedOrtValue("a", input), new NamedOrtValue("b", input)], cts.Token);

        Assert.Equal([2f, 4f, 6f], results[0].ToArray<float>());
    }
}
