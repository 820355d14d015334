using Shipyard.Onnx.Tests.Models;

namespace Shipyard.Onnx.Tests;

public class CancellationTests
{
    private static readonly OrtSessionOptions SingleThread = new() { IntraOpThreads = 1 };

    [Fact]
    public async Task Run_CancelledWhileRunning_StopsWithOperationCanceled()
    {
        // 2,000 chained 256x256 MatMuls on one thread: seconds of work on a fast core, far longer than the 50 ms
        // before the cancel, so the cancel lands mid-run without the test depending on how fast the machine is.
        const int size = 256;
        using var session = InferenceSession.Create(TestModels.SlowChain(size, steps: 2000), SingleThread);
        var x = new float[size * size];
        Array.Fill(x, 1f);
        using var input = OrtValue.CreateTensor<float>(x, [size, size]);

        // The cancel is meant to land mid-run; a thread descheduled for 50 ms between the signal and the native call is
        // cancelled before the run instead (no ORT error inside): try again, that case tests nothing here.
        OnnxRuntimeException? ortError = null;
        for (var attempt = 0; attempt < 3 && ortError is null; attempt++)
        {
            using var cts = new CancellationTokenSource();
            using var started = new ManualResetEventSlim();
            var run = Task.Run(() =>
            {
                started.Set();
                return session.Run([new NamedOrtValue("x", input)], cts.Token);
            });
            started.Wait();
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            await cts.CancelAsync();

            var error = await Assert.ThrowsAsync<OperationCanceledException>(() => run);
            Assert.Equal(cts.Token, error.CancellationToken);
            ortError = error.InnerException as OnnxRuntimeException;
        }

        Assert.NotNull(ortError);
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
