using System.Diagnostics;
using System.Globalization;

namespace Shipyard.Benchmarks.Onnx;

/// <summary>
/// Per-call latency measured exactly like tests/peers/ort-node/bench.js: time every call on its own and report the
/// median, p90 and mean, for raw ONNX Runtime and for Shipyard's scorer. BenchmarkDotNet's median is over iteration means, which on a shared machine absorbs every
/// descheduling; this is the like-for-like number to put next to the Node binding's. Run with
/// <c>dotnet run -c Release --project tests/Shipyard.Benchmarks -- --onnx-latency</c>.
/// </summary>
internal static class OnnxLatencyProbe
{
    public static void Run()
    {
        Console.WriteLine($"Microsoft.ML.OnnxRuntime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}, .NET {Environment.Version}");
        foreach (var model in new[] { "dense-30x2", "breast-cancer" })
        {
            foreach (var rows in new[] { 1, 1024 })
            {
                var benchmark = new OnnxRunBenchmarks { Model = model, Rows = rows };
                benchmark.Setup();
                try
                {
                    var iterations = rows == 1 ? 20_000 : 2_000;
                    foreach (var (name, call) in new (string, Action)[] { ("raw", () => benchmark.Raw()), ("scorer", () => benchmark.Scorer()) })
                    {
                        for (var i = 0; i < iterations / 5; i++)
                        {
                            call();
                        }

                        var times = new double[iterations];
                        for (var i = 0; i < iterations; i++)
                        {
                            var start = Stopwatch.GetTimestamp();
                            call();
                            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                        }

                        Array.Sort(times);
                        var median = times[iterations / 2];
                        var p90 = times[(int)(iterations * 0.9)];
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model,-14} {name,-6} rows={rows,-5} median {median:F2} us  p90 {p90:F2} us  mean {times.Average():F2} us  ({iterations} runs)"));
                    }
                }
                finally
                {
                    benchmark.Cleanup();
                }
            }
        }
    }
}
