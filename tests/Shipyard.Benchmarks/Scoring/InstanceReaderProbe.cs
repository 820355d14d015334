using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Shipyard.Models;
using Shipyard.Scoring;

namespace Shipyard.Benchmarks.Scoring;

/// <summary>
/// Per-call cost of the predict route's body reader (<see cref="InstanceReader.TryRead"/>) on the HTTP benchmark's
/// body: one breast-cancer instance, the first row of samples.csv (tests/peers/standalone.sh writes the same body).
/// Medians of per-call times over rounds of 1,000 calls, like the ONNX probe. See docs/benchmarks.md ("HTTP").
/// Run with <c>dotnet run -c Release --project tests/Shipyard.Benchmarks -- --read-instances</c>.
/// </summary>
internal static class InstanceReaderProbe
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

        for (var i = 0; i < 20_000; i++)
        {
            InstanceReader.TryRead(manifest, body, limits, 10_000, 0);
        }

        var times = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < CallsPerRound; i++)
            {
                InstanceReader.TryRead(manifest, body, limits, 10_000, 0);
            }

            times[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / CallsPerRound;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"InstanceReader.TryRead, breast-cancer, 1 instance ({body.Length} bytes): median {times[rounds / 2]:F3} us per call, p10 {times[rounds / 10]:F3}, p90 {times[rounds * 9 / 10]:F3} ({rounds} rounds of {CallsPerRound})"));
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
