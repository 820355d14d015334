using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Shipyard.Models;
using Shipyard.Scoring;

namespace Shipyard.Benchmarks.Scoring;

/// <summary>
/// Per-call cost of the predict route's own JSON work on the HTTP benchmark's request (one breast-cancer instance, the
/// first row of samples.csv, as tests/peers/standalone.sh writes it) and its answer: reading the body
/// (<see cref="InstanceReader.TryRead"/>), and writing the answer with the serializer and with
/// <see cref="PredictionResponseJson"/> (checked to give the same bytes first). Medians of per-call times over rounds
/// of 1,000 calls. See docs/benchmarks.md ("HTTP"). Run with
/// <c>dotnet run -c Release --project tests/Shipyard.Benchmarks -- --predict-json [ROUNDS]</c>.
/// </summary>
internal static class PredictBodyProbe
{
    private const int CallsPerRound = 1_000;

    public static void Run(int rounds)
    {
        var folder = Path.Combine(Onnx.OnnxRunBenchmarks.RepoRoot(), "models", "breast-cancer", "1");
        var manifest = ModelManifest.Parse(File.ReadAllBytes(Path.Combine(folder, "model.json")));
        var body = new ReadOnlySequence<byte>(BenchmarkBody(manifest, Path.Combine(folder, "samples.csv")));
        var limits = new ScoringLimits();
        if (InstanceReader.TryRead(manifest, body, limits, 10_000, 0) is not { Count: 1 })
        {
            throw new InvalidOperationException("The fast path gave up on the benchmark body.");
        }

        Report($"InstanceReader.TryRead ({body.Length}-byte body)", rounds, () => InstanceReader.TryRead(manifest, body, limits, 10_000, 0));

        // The answer to that body, and the HTTP API's serializer options (web defaults, ASP.NET Core's relaxed encoder).
        var answer = new PredictionResponse("breast-cancer", "1", [new ClassPrediction("benign", new Dictionary<string, double>(StringComparer.Ordinal) { ["malignant"] = 0.00012671947479248047, ["benign"] = 0.9998732805252075 })]);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.TypeInfoResolverChain.Insert(0, ScoringJsonContext.Default);
        var typeInfo = options.GetTypeInfo(typeof(PredictionResponse));
        if (!JsonSerializer.SerializeToUtf8Bytes(answer, typeInfo).AsSpan().SequenceEqual(PredictionResponseJson.TryWrite(answer, options)))
        {
            throw new InvalidOperationException("The direct writer and the serializer disagree on the benchmark answer.");
        }

        Report("answer, JsonSerializer.SerializeToUtf8Bytes", rounds, () => JsonSerializer.SerializeToUtf8Bytes(answer, typeInfo));
        Report("answer, PredictionResponseJson.TryWrite", rounds, () => PredictionResponseJson.TryWrite(answer, options));
    }

    private static void Report(string what, int rounds, Func<object?> call)
    {
        // A second of calls first: tiered compilation promotes hot methods only after its call-counting delay.
        var warmup = Stopwatch.StartNew();
        while (warmup.ElapsedMilliseconds < 1_000)
        {
            call();
        }

        var times = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < CallsPerRound; i++)
            {
                call();
            }

            times[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / CallsPerRound;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {times[rounds / 2]:F3} us per call, p10 {times[rounds / 10]:F3}, p90 {times[rounds * 9 / 10]:F3} ({rounds} rounds of {CallsPerRound})"));
    }

    // {"instances":[{feature: value, ...}]} in manifest order, values as Python's float() then json.dump write them.
    private static byte[] BenchmarkBody(ModelManifest manifest, string samplesCsv)
    {
        var lines = File.ReadLines(samplesCsv).Take(2).ToArray();
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        var instance = manifest.Features.ToDictionary(f => f.Name, f => double.Parse(row[Array.IndexOf(header, f.Name)], CultureInfo.InvariantCulture));
        return JsonSerializer.SerializeToUtf8Bytes(new { instances = new[] { instance } });
    }
}
