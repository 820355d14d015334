using System.Diagnostics;
using System.Net;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests.Hosting;

/// <summary>
/// Models load in the background after the server listens; predictions for a model still loading wait for it
/// (Shipyard:InitialLoadWait). diabetes' model.onnx is a named pipe here, so its load
/// blocks until the test writes the bytes: the window in which it is still loading is deterministic.
/// </summary>
public sealed class BackgroundLoadingTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), $"shipyard-loading-{Guid.NewGuid():N}");

    [Fact]
    public async Task WhileAModelLoads_HealthIs503NamingIt_PredictWaitsForTheModel_ThenReady()
    {
        var pipe = PrepareBlockedDiabetes();
        var bytes = await ReadAndBlockAsync(pipe);
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?> { ["Shipyard:ModelsPath"] = _models }))
        {
            WaitForModels = false,
        };
        var released = false;
        try
        {
            // The host starts (and answers) although diabetes cannot finish loading.
            using var client = app.CreateClient(ShipyardApplicationFactory.FunctionKey);

            using var health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
            var problem = await HttpAssert.ProblemAsync(health, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(health.Headers.RetryAfter);
            Assert.Contains("diabetes: loading", HttpAssert.Errors(problem));

            using var ready = await client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
            await HttpAssert.ProblemAsync(ready, HttpStatusCode.ServiceUnavailable);

            // A prediction for the loading model waits for it (the load cannot finish before the pipe is written).
            var sample = SampleCases.Load("diabetes", "1").Cases[0];
            var predict = client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative), Json.Instances(sample.Instance));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.False(predict.IsCompleted, "the prediction answered before its model was loaded");

            await File.WriteAllBytesAsync(pipe, bytes);
            released = true;
            using var answer = await predict;
            PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(answer)).GetProperty("predictions")[0], "after the load");

            await ShipyardApplicationFactory.WaitUntilReadyAsync(client);
            using var after = await client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        finally
        {
            if (!released)
            {
                // Unblock the loader so the host can stop.
                await File.WriteAllBytesAsync(pipe, bytes);
            }
        }
    }

    [Fact]
    public async Task WhileAModelLoads_PredictWithoutWaiting_Is503WithRetryAfter()
    {
        var pipe = PrepareBlockedDiabetes();
        var bytes = await ReadAndBlockAsync(pipe);
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["Shipyard:ModelsPath"] = _models,
            ["Shipyard:InitialLoadWait"] = "00:00:00",
        }))
        {
            WaitForModels = false,
        };
        try
        {
            using var client = app.CreateClient(ShipyardApplicationFactory.FunctionKey);

            using var predict = await client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative),
                Json.Body(new { instances = new[] { new { age = 0.0 } } }));

            var problem = await HttpAssert.ProblemAsync(predict, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(predict.Headers.RetryAfter);
            Assert.Contains("loading", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await File.WriteAllBytesAsync(pipe, bytes);
        }
    }

    /// <summary>Copies breast-cancer and diabetes; returns the path of diabetes' model.onnx.</summary>
    private string PrepareBlockedDiabetes()
    {
        foreach (var model in new[] { "breast-cancer", "diabetes" })
        {
            CopyDirectory(Path.Combine(RepoPaths.Models, model), Path.Combine(_models, model));
        }

        return Path.Combine(_models, "diabetes", "1", "model.onnx");
    }

    /// <summary>Replaces <paramref name="pipe"/> with a named pipe (its load blocks until written) and returns the model bytes.</summary>
    private static async Task<byte[]> ReadAndBlockAsync(string pipe)
    {
        var bytes = await File.ReadAllBytesAsync(pipe);
        File.Delete(pipe);
        using var mkfifo = Process.Start("mkfifo", pipe);
        await mkfifo.WaitForExitAsync();
        Assert.Equal(0, mkfifo.ExitCode);
        return bytes;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(_models, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
