using Shipyard.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Shipyard.Http.Forwarding;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Forwarding;

/// <summary>
/// The function app forwards predictions for <c>cuda</c> models (digits) to the GPU app — here a real Shipyard process
/// standing in for the container app — and serves <c>cpu</c> models itself (docs/architecture.md "Which model runs where").
/// </summary>
public sealed class GpuForwardingTests : IClassFixture<GpuForwardingTests.GpuApp>
{
    private const string GpuKey = "gpu-app-key-5e1c";
    private readonly GpuApp _gpu;

    public GpuForwardingTests(GpuApp gpu) => _gpu = gpu;

    [Fact]
    public async Task CudaModel_IsScoredByTheGpuApp_AndEqualsSamples()
    {
        using var app = FunctionApp(_gpu.Process.BaseAddress, GpuKey);
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var samples = SampleCases.Load("digits", "1").Cases.Take(3).ToArray();

        using var response = await client.PostAsync(new Uri("/api/models/digits/predict?code=ignored", UriKind.Relative), Json.Instances(samples.Select(s => s.Instance)));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("gpu-app", Header(response, GpuForwarder.ServedByHeader));
        Assert.Equal("1", Header(response, "X-Model-Version"));
        for (var i = 0; i < samples.Length; i++)
        {
            PredictionAssert.Equal(samples[i], body.GetProperty("predictions")[i], $"forwarded row {i}");
        }
    }

    [Fact]
    public async Task CpuModel_IsScoredHere()
    {
        using var app = FunctionApp(_gpu.Process.BaseAddress, GpuKey);
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var sample = SampleCases.Load("breast-cancer", "1").Cases[0];

        using var response = await client.PostAsync(new Uri("/api/models/breast-cancer/versions/1/predict", UriKind.Relative), Json.Instances(sample.Instance));

        PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(response)).GetProperty("predictions")[0], "local");
        Assert.False(response.Headers.Contains(GpuForwarder.ServedByHeader));
    }

    [Fact]
    public async Task KServeInfer_ForCudaModel_IsForwarded()
    {
        using var app = FunctionApp(_gpu.Process.BaseAddress, GpuKey);
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var samples = SampleCases.Load("digits", "1");
        var row = samples.Cases[0];
        var inputs = samples.Features.Select(f => new { name = f, shape = new[] { 1 }, datatype = "FP32", data = new[] { (double)row.Instance[f] } });

        using var response = await client.PostAsync(new Uri("/v2/models/digits/versions/1/infer", UriKind.Relative), Json.Body(new { id = "fwd-1", inputs }));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("gpu-app", Header(response, GpuForwarder.ServedByHeader));
        Assert.Equal("fwd-1", body.GetProperty("id").GetString());
        Assert.Equal("digits", body.GetProperty("model_name").GetString());
    }

    [Fact]
    public async Task InvalidInput_GpuAppsProblemIsRelayed()
    {
        using var app = FunctionApp(_gpu.Process.BaseAddress, GpuKey);
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/api/models/digits/predict", UriKind.Relative), Json.Instances(new { pixel_0 = "dark" }));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("gpu-app", Header(response, GpuForwarder.ServedByHeader));
        Assert.Contains(HttpAssert.Errors(problem), e => e.Contains("pixel_0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongGpuKey_Answers502_NamingTheSetting()
    {
        using var app = FunctionApp(_gpu.Process.BaseAddress, "not-the-gpu-key");
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var sample = SampleCases.Load("digits", "1").Cases[0];

        using var response = await client.PostAsync(new Uri("/api/models/digits/predict", UriKind.Relative), Json.Instances(sample.Instance));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Contains("GPU_APP_KEY", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-gpu-key", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpuAppDown_PreferGpuModel_IsScoredHereOnTheCpu()
    {
        using var app = FunctionApp(new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}"), GpuKey);
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var sample = SampleCases.Load("digits", "1").Cases[1];

        using var response = await client.PostAsync(new Uri("/api/models/digits/predict", UriKind.Relative), Json.Instances(sample.Instance));

        PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(response)).GetProperty("predictions")[0], "fallback");
        Assert.Equal("local-fallback", Header(response, GpuForwarder.ServedByHeader));
    }

    [Fact]
    public async Task GpuAppDown_LaterRequestsSkipItForTheBreakDuration()
    {
        using var app = FunctionApp(new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}"), GpuKey);
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var sample = SampleCases.Load("digits", "1").Cases[0];

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync(new Uri("/api/models/digits/predict", UriKind.Relative), Json.Instances(sample.Instance));
            Assert.Equal("local-fallback", Header(response, GpuForwarder.ServedByHeader));
        }

        Assert.Single(app.Logs.Messages, m => m.Contains("unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GpuAppDown_RequireModel_Answers503WithRetryAfter()
    {
        await using var models = ModelsFolder.Copy("digits");
        var manifestPath = Path.Combine(models.Package("digits", "1"), "model.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["runtime"]!["devicePolicy"] = "require";
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        using var app = FunctionApp(new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}"), GpuKey, models.Path);
        using var client = app.CreateClient(ShipyardApplicationFactory.FunctionKey);
        var sample = SampleCases.Load("digits", "1").Cases[0];

        using var response = await client.PostAsync(new Uri("/api/models/digits/versions/1/predict", UriKind.Relative), Json.Instances(sample.Instance));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("requires a GPU", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task ForwardedRequest_ThatWouldBeForwardedAgain_Answers508()
    {
        using var app = FunctionApp(_gpu.Process.BaseAddress, GpuKey);
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var sample = SampleCases.Load("digits", "1").Cases[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/models/digits/predict", UriKind.Relative)) { Content = Json.Instances(sample.Instance) };
        request.Headers.Add(GpuForwarder.ForwardedHeader, "1");

        using var response = await client.SendAsync(request);

        var problem = await HttpAssert.ProblemAsync(response, (HttpStatusCode)508);
        Assert.Contains("GPU_APP_URL", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RightAfterStart_CudaModelStillLoading_IsForwardedOnceLoaded()
    {
        // digits' model.onnx is a named pipe: its load (and so its manifest) waits until the test releases it.
        await using var models = ModelsFolder.Copy("digits");
        await models.BlockLoadAsync("digits", "1");
        using var app = FunctionApp(_gpu.Process.BaseAddress, GpuKey, models.Path);
        app.WaitForModels = false;
        try
        {
            using var client = app.CreateClient(ShipyardApplicationFactory.FunctionKey);
            var sample = SampleCases.Load("digits", "1").Cases[2];

            var predict = client.PostAsync(new Uri("/api/models/digits/versions/1/predict", UriKind.Relative), Json.Instances(sample.Instance));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await models.ReleaseAsync();
            using var response = await predict;

            PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(response)).GetProperty("predictions")[0], "forwarded after the load");
            Assert.Equal("gpu-app", Header(response, GpuForwarder.ServedByHeader));
        }
        finally
        {
            await models.ReleaseAsync();
        }
    }

    [Fact]
    public void GpuAppUrl_NotAnHttpUrl_StopsTheAppAtStart_WithoutEchoingIt()
    {
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            [GpuForwardingOptions.UrlSetting] = "ftp://gpu/?code=secret-in-url",
            [GpuForwardingOptions.KeySetting] = GpuKey,
        }));

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("GPU_APP_URL must be the GPU app's base URL", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-in-url", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GpuAppUrl_WithoutKey_StopsTheAppAtStart()
    {
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?> { [GpuForwardingOptions.UrlSetting] = "https://gpu.example" }));

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("GPU_APP_KEY is empty", error.ToString(), StringComparison.Ordinal);
    }

    private static ShipyardApplicationFactory FunctionApp(Uri gpuUrl, string gpuKey, string? modelsPath = null)
    {
        var settings = ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            [GpuForwardingOptions.UrlSetting] = gpuUrl.ToString(),
            [GpuForwardingOptions.KeySetting] = gpuKey,
        });
        if (modelsPath is not null)
        {
            settings["Shipyard:ModelsPath"] = modelsPath;
        }

        return new ShipyardApplicationFactory(settings);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>The GPU app: the built Shipyard executable on a loopback port, accepting only <see cref="GpuKey"/>.</summary>
    public sealed class GpuApp : IAsyncLifetime
    {
        public AppProcess Process { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var port = LoopbackPorts.Free();
            Process = AppProcess.Start(
                new Uri($"http://127.0.0.1:{port}"),
                new Dictionary<string, string?> { ["Shipyard__Auth__FunctionKeys__0"] = GpuKey },
                "--urls", $"http://127.0.0.1:{port}");
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            await Process.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
        }

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }
}
