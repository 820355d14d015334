using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Grpc;

/// <summary>Where the gRPC endpoint listens (<c>Shipyard:Grpc:Url</c>) and the rate limits it shares with REST, on the built server.</summary>
public sealed class GrpcEndpointTests
{
    [Fact]
    public async Task EmptyUrl_TurnsGrpcOff_RestServesAsBefore()
    {
        var port = LoopbackPorts.Free();
        await using var app = AppProcess.Start(
            new Uri($"http://127.0.0.1:{port}"),
            new Dictionary<string, string?> { ["Shipyard__Grpc__Url"] = "", ["Shipyard__Auth__AllowAnonymous"] = "true", ["Logging__LogLevel__Default"] = "Information" },
            "--urls", $"http://127.0.0.1:{port}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await app.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));

        using var live = await client.GetAsync(new Uri(app.BaseAddress, "/v2/health/live"));
        var listening = app.Output.Split('\n').Where(l => l.Contains("Now listening on", StringComparison.Ordinal)).ToArray();

        await HttpAssert.OkJsonAsync(live);
        Assert.Single(listening);
        Assert.DoesNotContain("gRPC", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlOnTheRestPort_StopsAtStart_NamingTheSetting()
    {
        var port = LoopbackPorts.Free();
        await using var app = AppProcess.Start(
            new Uri($"http://127.0.0.1:{port}"),
            new Dictionary<string, string?> { ["Shipyard__Grpc__Url"] = $"http://127.0.0.1:{port}" },
            "--urls", $"http://127.0.0.1:{port}");

        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(60)), "exits");
        Assert.NotEqual(0, app.ExitCode);
        Assert.Contains($"Shipyard:Grpc:Url 'http://127.0.0.1:{port}' uses port {port}, which a REST address", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimits_PerKey_RefuseWithResourceExhausted_HealthStaysUnlimited()
    {
        await using var server = await KeyedServer.StartAsync(new() { ["Shipyard__RateLimiting__PerKey__PermitsPerSecond"] = "0.01", ["Shipyard__RateLimiting__PerKey__Burst"] = "2" });
        var request = GrpcTensors.Request(OneRow("breast-cancer"), rawInputs: false);

        await server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed());
        await server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed());
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed()).ResponseAsync);
        var live = await server.Client.ServerLiveAsync(new ServerLiveRequest());

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith("The rate limit for this caller or model was exceeded; retry after", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(live.Live);
    }

    [Fact]
    public async Task RateLimits_PerModel_SharedByRestAndGrpc()
    {
        await using var server = await KeyedServer.StartAsync(new() { ["Shipyard__RateLimiting__PerModel__PermitsPerSecond"] = "0.01", ["Shipyard__RateLimiting__PerModel__Burst"] = "2" });
        var one = OneRow("breast-cancer");
        var infer = new Uri(server.App.BaseAddress, "/v2/models/breast-cancer/versions/1/infer");

        // Two tokens for breast-cancer: one spent over REST, one over gRPC, then both transports are refused.
        using var rest = await server.Http.PostAsync(infer, GrpcTensors.RestBody(one));
        await HttpAssert.OkJsonAsync(rest);
        await server.Client.ModelInferAsync(GrpcTensors.Request(one, rawInputs: false), GrpcServerFixture.Keyed());
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(GrpcTensors.Request(one, rawInputs: false), GrpcServerFixture.Keyed()).ResponseAsync);
        using var restRefused = await server.Http.PostAsync(infer, GrpcTensors.RestBody(one));
        var other = await server.Client.ModelInferAsync(GrpcTensors.Request(OneRow("diabetes"), rawInputs: false), GrpcServerFixture.Keyed());

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, restRefused.StatusCode);
        Assert.Equal("diabetes", other.ModelName);
    }

    private static SampleCases OneRow(string model)
    {
        var samples = SampleCases.Load(model, "1");
        return samples with { Cases = [samples.Cases[0]] };
    }

    /// <summary>The built server with the fixture's key, gRPC on a free port and <c>settings</c>; REST and gRPC clients sending the key.</summary>
    private sealed class KeyedServer : IAsyncDisposable
    {
        private GrpcChannel? _channel;

        private KeyedServer(AppProcess app) => App = app;

        public AppProcess App { get; }

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

        public GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

        public static async Task<KeyedServer> StartAsync(Dictionary<string, string?> settings)
        {
            var port = LoopbackPorts.Free();
            var grpcPort = LoopbackPorts.Free();
            settings["Shipyard__Grpc__Url"] = $"http://127.0.0.1:{grpcPort}";
            settings["Shipyard__Auth__FunctionKeys__0"] = GrpcServerFixture.Key;
            var server = new KeyedServer(AppProcess.Start(new Uri($"http://127.0.0.1:{port}"), settings, "--urls", $"http://127.0.0.1:{port}"));
            server.Http.DefaultRequestHeaders.Add("x-functions-key", GrpcServerFixture.Key);
            await server.App.WaitUntilReadyAsync(server.Http, TimeSpan.FromSeconds(60));
            server._channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            server.Client = new GRPCInferenceService.GRPCInferenceServiceClient(server._channel);
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            _channel?.Dispose();
            Http.Dispose();
            await App.DisposeAsync();
        }
    }
}
