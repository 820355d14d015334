using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;
using Shipyard.Testing;

namespace Shipyard.Server.Tests.Grpc;

/// <summary>
/// The built server as its own process (Production: keys required) with REST and the gRPC endpoint on free ports, a
/// REST client and a gRPC client (stubs generated from grpc_predict_v2.proto, over h2c) that both send the function key.
/// </summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    /// <summary>The function key the clients send.</summary>
    public const string Key = "grpc-test-key";

    private readonly int _grpcPort = LoopbackPorts.Free();
    private AppProcess? _app;
    private GrpcChannel? _channel;

    /// <summary>The server process.</summary>
    public AppProcess App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>Where gRPC listens.</summary>
    public Uri GrpcAddress => new($"http://127.0.0.1:{_grpcPort}");

    /// <summary>REST, with the key header.</summary>
    public HttpClient Rest { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The generated gRPC client.</summary>
    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

    /// <summary>Calls of any method with any bytes (<see cref="Raw"/>): messages written by hand.</summary>
    public CallInvoker Invoker { get; private set; } = null!;

    /// <summary>A unary call of <c>inference.GRPCInferenceService/<paramref name="name"/></c> that sends and returns bytes as they are.</summary>
    public static Method<byte[], byte[]> Raw(string name)
    {
        var bytes = Marshallers.Create(b => b, b => b);
        return new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", name, bytes, bytes);
    }

    /// <summary>Call options carrying the key as metadata (plus <paramref name="extra"/>).</summary>
    public static CallOptions Keyed(params (string Name, string Value)[] extra)
    {
        var headers = new Metadata { { "x-functions-key", Key } };
        foreach (var (name, value) in extra)
        {
            headers.Add(name, value);
        }

        return new CallOptions(headers, DateTime.UtcNow.AddSeconds(60));
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var port = LoopbackPorts.Free();
        _app = AppProcess.Start(
            new Uri($"http://127.0.0.1:{port}"),
            new Dictionary<string, string?>
            {
                ["Shipyard__Auth__FunctionKeys__0"] = Key,
                ["Shipyard__Grpc__Url"] = GrpcAddress.ToString(),
                ["Logging__LogLevel__Shipyard.Server.Grpc"] = "Information",
            },
            "--urls", $"http://127.0.0.1:{port}");
        Rest.DefaultRequestHeaders.Add("x-functions-key", Key);
        await _app.WaitUntilReadyAsync(Rest, TimeSpan.FromSeconds(60));
        _channel = GrpcChannel.ForAddress(GrpcAddress);
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        Invoker = _channel.CreateCallInvoker();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        Rest.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
