// Side-by-side load on one Shipyard server (docs/benchmarks.md "gRPC"): 1-row breast-cancer v1 requests over
//   rest-predict  POST /api/models/breast-cancer/versions/1/predict   (HTTP/1.1, JSON instances)
//   rest-infer    POST /v2/models/breast-cancer/versions/1/infer      (HTTP/1.1, KServe v2 JSON)
//   grpc          inference.GRPCInferenceService/ModelInfer            (HTTP/2 cleartext, one FP32 tensor per feature)
//   grpc-onnx     the same, one FP32 tensor [1, 30] named as the ONNX input
//   rest-live / grpc-live  the cheapest call of each transport (/v2/health/live, ServerLive), for the transports' floor
// Each is a closed loop of --concurrency callers, each sending its next request when the previous answer is in
// (bounded concurrency; --concurrency connections for REST, --grpc-channels HTTP/2 connections for gRPC). After one
// warm-up per mode, the modes alternate (A B C A B C …) for --rounds rounds of --duration seconds, so drift in the
// shared machine's load hits them alike. Per run: requests/s, p50/p99 latency, and (with --server-pid) the server's CPU
// time per request from /proc (independent of how much of the machine the server got) and the client's own CPU time
// per request (it shares the machine: what it takes, the server does not get). Ends with medians and ratios.
//
// usage: dotnet GrpcLoad.dll --rest http://127.0.0.1:P --grpc http://127.0.0.1:Q --body FILE [--server-pid PID]
//        [--concurrency 32] [--grpc-channels 1] [--duration 10] [--warmup 5] [--rounds 5] [--modes rest-predict,rest-infer,grpc,grpc-onnx]
// FILE: a predict body {"instances":[{feature: value, …}]} with one instance; the other modes send the same values.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Net.Client;
using Inference;

var options = Options.Parse(args);
var instance = JsonDocument.Parse(File.ReadAllBytes(options.BodyFile)).RootElement.GetProperty("instances")[0]
    .EnumerateObject().Select(p => (p.Name, Value: p.Value.GetDouble())).ToArray();
var predictBody = File.ReadAllBytes(options.BodyFile);
var inferBody = JsonSerializer.SerializeToUtf8Bytes(new
{
    inputs = instance.Select(f => new { name = f.Name, shape = new[] { 1 }, datatype = "FP32", data = new[] { f.Value } }).ToArray(),
});
var inferRequest = new ModelInferRequest { ModelName = "breast-cancer", ModelVersion = "1" };
foreach (var (name, value) in instance)
{
    inferRequest.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
    {
        Name = name, Datatype = "FP32", Shape = { 1 }, Contents = new InferTensorContents { Fp32Contents = { (float)value } },
    });
}

// The same row as the ONNX input itself: one FP32 tensor [1, 30] named as the model's ONNX input (how a Triton-style
// client sends a tabular model), instead of one tensor per feature.
var onnxRequest = new ModelInferRequest { ModelName = "breast-cancer", ModelVersion = "1" };
onnxRequest.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
{
    Name = "input", Datatype = "FP32", Shape = { 1, instance.Length }, Contents = new InferTensorContents { Fp32Contents = { instance.Select(f => (float)f.Value) } },
});

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
{
    BaseAddress = options.Rest,
    DefaultRequestVersion = HttpVersion.Version11,
};
var channels = Enumerable.Range(0, options.GrpcChannels)
    .Select(_ => GrpcChannel.ForAddress(options.Grpc, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true } }))
    .ToArray();
var clients = channels.Select(c => new GRPCInferenceService.GRPCInferenceServiceClient(c)).ToArray();

Func<int, Task> Call(string mode) => mode switch
{
    "rest-predict" => _ => Post("/api/models/breast-cancer/versions/1/predict", predictBody),
    "rest-infer" => _ => Post("/v2/models/breast-cancer/versions/1/infer", inferBody),
    "grpc" => async worker =>
    {
        var response = await clients[worker % clients.Length].ModelInferAsync(inferRequest).ConfigureAwait(false);
        if (response.Outputs.Count != 2)
        {
            throw new InvalidOperationException("ModelInfer answered without label and probabilities");
        }
    },
    "grpc-onnx" => async worker =>
    {
        var response = await clients[worker % clients.Length].ModelInferAsync(onnxRequest).ConfigureAwait(false);
        if (response.Outputs.Count != 2)
        {
            throw new InvalidOperationException("ModelInfer answered without label and probabilities");
        }
    },

    // The transports' own floor: the cheapest call of each (no model, no body).
    "rest-live" => _ => Get("/v2/health/live"),
    "grpc-live" => async worker => await clients[worker % clients.Length].ServerLiveAsync(new ServerLiveRequest()).ConfigureAwait(false),
    _ => throw new ArgumentException($"unknown mode '{mode}' (rest-predict, rest-infer, grpc, rest-live, grpc-live)"),
};

async Task Get(string path)
{
    using var response = await http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
    await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
    }
}

async Task Post(string path, byte[] body)
{
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
    using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content).ConfigureAwait(false);
    await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
    }
}

// Both gRPC forms must give the answer of the same row, or the comparison compares different work.
if (options.Modes.Contains("grpc-onnx"))
{
    var perFeature = await clients[0].ModelInferAsync(inferRequest);
    var onnx = await clients[0].ModelInferAsync(onnxRequest);
    if (!perFeature.Outputs.Select(o => o.Contents).SequenceEqual(onnx.Outputs.Select(o => o.Contents)))
    {
        Console.Error.WriteLine("the [1, 30] ONNX-input request does not answer as the per-feature request: feature order differs from the ONNX input's");
        return 1;
    }
}

var results = options.Modes.ToDictionary(m => m, _ => new List<Run>());
foreach (var mode in options.Modes)
{
    await RunAsync(mode, options.Warmup);
}

Console.WriteLine($"| round | mode | req/s | p50 ms | p99 ms | server CPU ms/req | client CPU ms/req | errors |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
for (var round = 1; round <= options.Rounds; round++)
{
    foreach (var mode in options.Modes)
    {
        var run = await RunAsync(mode, options.Duration);
        results[mode].Add(run);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {mode} | {run.Rate:F0} | {run.P50:F3} | {run.P99:F3} | {run.ServerCpuMs:F4} | {run.ClientCpuMs:F4} | {run.Errors} |"));
    }
}

Console.WriteLine();
Console.WriteLine("| mode | median req/s | median p99 ms | median server CPU ms/req | median client CPU ms/req |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var (mode, runs) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {Median(runs.Select(r => r.Rate)):F0} | {Median(runs.Select(r => r.P99)):F3} | {Median(runs.Select(r => r.ServerCpuMs)):F4} | {Median(runs.Select(r => r.ClientCpuMs)):F4} |"));
}

foreach (var (grpcMode, grpcRuns) in results.Where(r => r.Key.StartsWith("grpc", StringComparison.Ordinal)))
{
    foreach (var (mode, runs) in results.Where(r => r.Key.StartsWith("rest", StringComparison.Ordinal)))
    {
        // Ratio of medians, and the median of the per-round ratios (each round's pair ran seconds apart).
        var perRound = grpcRuns.Zip(runs, (g, r) => g.Rate / r.Rate);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{grpcMode} / {mode}: median req/s ratio {Median(grpcRuns.Select(r => r.Rate)) / Median(runs.Select(r => r.Rate)):F3}, median per-round ratio {Median(perRound):F3}, rounds where {grpcMode} >= {mode}: {grpcRuns.Zip(runs).Count(p => p.First.Rate >= p.Second.Rate)}/{runs.Count}"));
    }
}

foreach (var channel in channels)
{
    channel.Dispose();
}

return 0;

async Task<Run> RunAsync(string mode, double seconds)
{
    var call = Call(mode);
    var latencies = new List<long>[options.Concurrency];
    var errors = 0;
    var cpuBefore = ServerCpuTicks();
    var clientBefore = Environment.CpuUsage.TotalTime;
    var start = Stopwatch.GetTimestamp();
    var end = start + (long)(seconds * Stopwatch.Frequency);
    var workers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(async () =>
    {
        var mine = latencies[w] = new List<long>(1 << 16);
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= end)
            {
                return;
            }

            try
            {
                await call(w).ConfigureAwait(false);
                mine.Add(Stopwatch.GetTimestamp() - sent);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or Grpc.Core.RpcException)
            {
                if (Interlocked.Increment(ref errors) == 1)
                {
                    Console.Error.WriteLine($"{mode}: {e.Message}");
                }
            }
        }
    })).ToArray();
    await Task.WhenAll(workers).ConfigureAwait(false);
    var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
    var cpuTicks = ServerCpuTicks() - cpuBefore;
    var clientMs = (Environment.CpuUsage.TotalTime - clientBefore).TotalMilliseconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Percentile(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1000.0 / Stopwatch.Frequency;
    var serverCpuMs = options.ServerPid is null || all.Length == 0 ? double.NaN : cpuTicks * 10.0 / all.Length; // /proc ticks are 10 ms (CLK_TCK 100)
    return new Run(all.Length / elapsed, Percentile(0.50), Percentile(0.99), serverCpuMs, all.Length == 0 ? double.NaN : clientMs / all.Length, errors);
}

// utime + stime of the server from /proc/PID/stat, in clock ticks.
long ServerCpuTicks()
{
    if (options.ServerPid is not { } pid)
    {
        return 0;
    }

    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

internal sealed record Run(double Rate, double P50, double P99, double ServerCpuMs, double ClientCpuMs, int Errors);

internal sealed record Options(Uri Rest, Uri Grpc, string BodyFile, int? ServerPid, int Concurrency, int GrpcChannels, double Duration, double Warmup, int Rounds, string[] Modes)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string? fallback = null) =>
            values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");
        return new Options(
            new Uri(Get("rest")),
            new Uri(Get("grpc")),
            Get("body"),
            values.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            int.Parse(Get("concurrency", "32"), CultureInfo.InvariantCulture),
            int.Parse(Get("grpc-channels", "1"), CultureInfo.InvariantCulture),
            double.Parse(Get("duration", "10"), CultureInfo.InvariantCulture),
            double.Parse(Get("warmup", "5"), CultureInfo.InvariantCulture),
            int.Parse(Get("rounds", "5"), CultureInfo.InvariantCulture),
            Get("modes", "rest-predict,rest-infer,grpc,grpc-onnx").Split(',', StringSplitOptions.RemoveEmptyEntries));
    }
}
