using Shipyard.Testing;
using System.Net;
using System.Text;
using System.Text.Json;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Hosting;

/// <summary>The real built server executable: standalone, and its shutdown.</summary>
public sealed class AppProcessTests
{
    [Fact]
    public async Task Standalone_UrlsArgument_ServesBundledModels_AndKeysFromEnvironment()
    {
        var port = LoopbackPorts.Free();
        await using var app = AppProcess.Start(
            new Uri($"http://127.0.0.1:{port}"),
            new Dictionary<string, string?> { ["Shipyard__Auth__FunctionKeys__0"] = "process-key" },
            "--urls", $"http://127.0.0.1:{port}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await app.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
        var sample = SampleCases.Load("diabetes", "1").Cases[0];
        var uri = new Uri(app.BaseAddress, "/api/models/diabetes/predict");

        using var anonymous = await client.PostAsync(uri, Json.Instances(sample.Instance));
        using var keyed = await client.PostAsync(new Uri(uri + "?code=process-key"), Json.Instances(sample.Instance));

        await HttpAssert.ProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(keyed)).GetProperty("predictions")[0], "standalone");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Information", true)]
    public async Task DefaultLogLevels_KeepAspNetCoresPerRequestLinesOut_EndpointLinesOnlyWhenConfigured(string? aspNetCoreLevel, bool expectEndpointLines)
    {
        var port = LoopbackPorts.Free();
        await using var app = AppProcess.Start(
            new Uri($"http://127.0.0.1:{port}"),
            new Dictionary<string, string?>
            {
                ["Shipyard__Auth__AllowAnonymous"] = "true",
                ["Logging__LogLevel__Default"] = "Information", // the shipped default, not the test harness's Warning
                ["Logging__LogLevel__Microsoft.AspNetCore"] = aspNetCoreLevel,
            },
            "--urls", $"http://127.0.0.1:{port}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await app.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
        var sample = SampleCases.Load("diabetes", "1").Cases[0];
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync(new Uri(app.BaseAddress, "/api/models/diabetes/predict"), Json.Instances(sample.Instance));
            await HttpAssert.OkJsonAsync(response);
        }

        app.Terminate(); // a clean shutdown flushes the console logger, so the output is complete
        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(30)), "exits after SIGTERM");
        Assert.Contains("Application is shutting down", app.Output, StringComparison.Ordinal); // Information from the rest of the app
        Assert.Equal(expectEndpointLines, app.Output.Contains("Executing endpoint", StringComparison.Ordinal));

        // "Request starting …" prints the raw query, where Functions clients send their key (?code=): never written.
        Assert.DoesNotContain("Request starting", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_DrainsTheInFlightRequest_FlushesPredictionLogs_AndExitsCleanly()
    {
        var port = LoopbackPorts.Free();
        await using var app = AppProcess.Start(
            new Uri($"http://127.0.0.1:{port}"),
            new Dictionary<string, string?> { ["Shipyard__Auth__AllowAnonymous"] = "true", ["Shipyard__PredictionLog__FlushInterval"] = "01:00:00" },
            "--urls", $"http://127.0.0.1:{port}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await app.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
        var sample = SampleCases.Load("diabetes", "1").Cases[0];
        for (var i = 0; i < 5; i++)
        {
            await HttpAssert.OkJsonAsync(await client.PostAsync(new Uri(app.BaseAddress, "/api/models/diabetes/predict"), Json.Instances(sample.Instance)));
        }

        // A request whose body is still arriving when SIGTERM comes: shutdown must let it finish.
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { instances = new[] { sample.Instance } }));
        var halfSent = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        using var content = new SlowContent(body, halfSent, release);
        var inFlight = client.PostAsync(new Uri(app.BaseAddress, "/api/models/diabetes/predict"), content);
        await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        app.Terminate();
        await Task.Delay(500);
        release.SetResult();

        using var response = await inFlight;
        await HttpAssert.OkJsonAsync(response);
        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(30)), "exits after SIGTERM");
        Assert.True(app.ExitCode == 0, $"exit code {app.ExitCode}: {app.Output}");

        // Six http predictions were buffered with a one-hour flush interval: only the shutdown flush can have written them.
        var lines = Directory.EnumerateFiles(app.DataPath, "*.jsonl", SearchOption.AllDirectories).SelectMany(File.ReadLines).ToArray();
        Assert.Equal(6, lines.Count(l => l.Contains("\"source\":\"http\"", StringComparison.Ordinal)));
    }

    /// <summary>Sends the first half of a body, signals, waits to be released, then sends the rest.</summary>
    private sealed class SlowContent(byte[] body, TaskCompletionSource halfSent, TaskCompletionSource release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = body.Length / 2;
            await stream.WriteAsync(body.AsMemory(0, half));
            await stream.FlushAsync();
            halfSent.TrySetResult();
            await release.Task;
            await stream.WriteAsync(body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
