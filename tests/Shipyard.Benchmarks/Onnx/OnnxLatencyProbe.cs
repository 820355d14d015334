using System.Diagnostics;
using System.Globalization;

namespace Shipyard.Benchmarks.Onnx;

/// <summary>
/// Per-call latency measured exactly like tests/peers/ort-node/bench.js: time every call on its own and report the
/// median, p90 and mean. BenchmarkDotNet's median is over iteration means, which on a shared machine absorbs every
/// descheduling; this is the like-for-like number to put next to the Node binding's. Run with
/// <c>dotnet run -c Release --project tests/Shipyard.Benchmarks -- --onnx-latency</c>.
/// </summary>
internal static class OnnxLatencyProbe
{
    public static void Run()
    {
        var ortVersion = global::Shipyard.Onnx.OrtEnvironment.Instance.Version;
        Console.WriteLine($"Shipyard.Onnx over ONNX Runtime {ortVersion}, .NET {Environment.Version}");
        foreach (var model in new[] { "dense-30x2", "breast-cancer" })
        {
            foreach (var rows in new[] { 1, 1024 })
            {
                var benchmark = new OnnxRunBenchmarks { Model = model, Rows = rows };
                benchmark.Setup();
                try
                {
                    var iterations = rows == 1 ? 20_000 : 2_000;
                    for (var i = 0; i < iterations / 5; i++)
                    {
                        benchmark.Run();
                    }

                    var times = new double[iterations];
                    for (var i = 0; i < iterations; i++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        benchmark.Run();
                        times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    }

                    Array.Sort(times);
                    var median = times[iterations / 2];
                    var p90 = times[(int)(iterations * 0.9)];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model,-14} rows={rows,-5} median {median:F2} us  p90 {p90:F2} us  mean {times.Average():F2} us  ({iterations} runs)"));
                }
                finally
                {
                    benchmark.Cleanup();
                }
            }
        }
    }
}
