using System.Diagnostics;
using System.Net;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests.Hosting;

/// <summary>
/// Models load in the background after the server listens. diabetes' model.onnx is a named pipe here, so its load
/// blocks until the test writes the bytes: the window in which it is still loading is deterministic.
/// </summary>
public sealed class BackgroundLoadingTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), $"shipyard-loading-{Guid.NewGuid():N}");

    [Fact]
    public async Task WhileAModelLoads_HealthAndPredictAre503NamingIt_ThenReady()
    {
        foreach (var model in new[] { "breast-cancer", "diabetes" })
        {
            CopyDirectory(Path.Combine(RepoPaths.Models, model), Path.Combine(_models, model));
        }

        var pipe = Path.Combine(_models, "diabetes", "1", "model.onnx");
        var bytes = await File.ReadAllBytesAsync(pipe);
        File.Delete(pipe);
        using (var mkfifo = Process.Start("mkfifo", pipe))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

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

            using var predict = await client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative),
                Json.Body(new { instances = new[] { new { age = 0.0 } } }));
            await HttpAssert.ProblemAsync(predict, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(predict.Headers.RetryAfter);

            await File.WriteAllBytesAsync(pipe, bytes);
            released = true;
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
