using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Shipyard.Batch;
using Shipyard.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Storage;

namespace Shipyard.Benchmarks.Batch;

/// <summary>
/// Batch throughput in one process, one model session and one chunk size, so the figures are comparable:
/// (1) raw ORT on pre-parsed float arrays, (2) the batch pipeline file → file (<see cref="BatchScorer"/>, what
/// <c>shipyard score</c> runs minus the progress bar), (3) CSV parsing alone with Shipyard's <see cref="CsvReader"/> and
/// with CsvHelper 34.0.0 on the same file (every field read and parsed as a double in both). Stopwatch, best of
/// <c>--repeat</c> runs (a shared machine deschedules us; the best run is the least disturbed). Run with
/// <c>dotnet build -c Release tests/Shipyard.Benchmarks -o artifacts/bench-batch</c>, then
/// <c>dotnet artifacts/bench-batch/Shipyard.Benchmarks.dll --batch-throughput FILE.csv [MODEL] [REPEAT]</c>
/// from the repository root (models are loaded from ./models).
/// </summary>
internal static class BatchThroughputProbe
{
    internal const int ChunkRows = 1024;

    public static Task RunAsync(string csvPath, string modelName, int repeat) => RunAsync(csvPath, modelName, repeat, rawOnly: false);

    /// <summary>Raw ORT alone on <paramref name="csvPath"/>'s rows, best of <paramref name="repeat"/>: prints "raw-rows/s N" for scripts.</summary>
    public static Task RunRawAsync(string csvPath, string modelName, int repeat) => RunAsync(csvPath, modelName, repeat, rawOnly: true);

    private static async Task RunAsync(string csvPath, string modelName, int repeat, bool rawOnly)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"shipyard-batch-probe-{Guid.NewGuid():N}");
        await using var registry = new ModelRegistry(new FileBlobStore(scratch),
            Options.Create(new ShipyardOptions { ModelsPath = Path.GetFullPath("models"), DataPath = scratch, RegistryPollInterval = TimeSpan.Zero }));
        try
        {
            await registry.StartAsync().ConfigureAwait(false);
            // MODEL or MODEL:VERSION (default: the production version).
            var (name, version) = modelName.Split(':') is [var n, var v] ? (n, (string?)v) : (modelName, null);
            var info = registry.Find(name) ?? throw new ArgumentException($"no model '{name}' under ./models");
            using var lease = registry.Acquire(name, version ?? info.Routing.Production ?? throw new ArgumentException("no production version"));
            var manifest = lease.Manifest;
            var (features, rows) = PreParse(csvPath, manifest);
            var size = new FileInfo(csvPath).Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model {manifest.Name} v{manifest.Version}, {rows:N0} rows x {manifest.Features.Count} features, {size / 1e6:F1} MB, chunk {ChunkRows}, best of {repeat} (wall and CPU separately)"));

            var raw = Best(repeat, () => RawOrt(lease, features, rows));
            Report("raw ORT (pre-parsed float[])", rows, raw, raw);
            if (!rawOnly && manifest.IsClassifier)
            {
                Report("raw ORT + reading ZipMap's maps", rows, Best(repeat, () => RawOrt(lease, features, rows, readZipMaps: true)), raw);
            }
            if (rawOnly)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw-rows/s {rows / raw.Wall.TotalSeconds:F0}"));
                return;
            }

            var pipeline = Best(repeat, () => Pipeline(lease, csvPath));
            Report("pipeline file->file", rows, pipeline, raw);

            Report("read fields: Shipyard CsvReader", rows, Best(repeat, () => ReadWithShipyard(csvPath)), null);
            Report("read fields: CsvHelper 34.0.0", rows, Best(repeat, () => ReadWithCsvHelper(csvPath)), null);
            var shipyardParse = Best(repeat, () => ParseWithShipyard(csvPath, utf8: true));
            Report("parse: Shipyard CsvReader UTF-8", rows, shipyardParse, null);
            var shipyardParseChars = Best(repeat, () => ParseWithShipyard(csvPath, utf8: false));
            Report("parse: Shipyard CsvReader UTF-16", rows, shipyardParseChars, null);
            var csvHelperParse = Best(repeat, () => ParseWithCsvHelper(csvPath));
            Report("parse: CsvHelper 34.0.0", rows, csvHelperParse, null);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>
    /// Prints wall time, rows/s and the share of the raw-ORT baseline, by wall time and by process CPU time. On a shared
    /// machine wall time depends on how much of a core the scheduler gave us; CPU time (all threads of this process,
    /// not other processes such as Azurite) measures the work itself, so its ratio is the steadier one.
    /// </summary>
    internal static void Report(string what, long rows, Measured run, Measured? baseline)
    {
        var rate = rows / run.Wall.TotalSeconds;
        var share = baseline is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"  {b.Wall.TotalSeconds / run.Wall.TotalSeconds * 100,4:F0}% of raw  CPU {run.Cpu.TotalSeconds,6:F3} s  {b.Cpu.TotalSeconds / run.Cpu.TotalSeconds * 100,4:F0}% of raw CPU")
            : string.Create(CultureInfo.InvariantCulture, $"               CPU {run.Cpu.TotalSeconds,6:F3} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-34} {run.Wall.TotalSeconds,7:F3} s {rate,10:N0} rows/s{share}"));
    }

    /// <summary>Runs <paramref name="run"/> <paramref name="repeat"/> times; the least disturbed wall time and the least CPU time.</summary>
    internal static Measured Best(int repeat, Func<TimeSpan> run)
    {
        var best = Measured.None;
        for (var i = 0; i < repeat; i++)
        {
            best = best.Min(Measure(run));
        }

        return best;
    }

    /// <summary>One run: its own wall time (what <paramref name="run"/> returns) and the process CPU time it took.</summary>
    internal static Measured Measure(Func<TimeSpan> run)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = run();
        return new Measured(wall, Environment.CpuUsage.TotalTime - cpu);
    }

    /// <summary>Wall and process CPU time of a run (or the minimum of each over several).</summary>
    internal readonly record struct Measured(TimeSpan Wall, TimeSpan Cpu)
    {
        public static Measured None => new(TimeSpan.MaxValue, TimeSpan.MaxValue);

        public Measured Min(Measured other) => new(other.Wall < Wall ? other.Wall : Wall, other.Cpu < Cpu ? other.Cpu : Cpu);
    }

    /// <summary>All rows as one row-major float array in the manifest's feature order (untimed).</summary>
    internal static (float[] Features, int Rows) PreParse(string path, ModelManifest manifest)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var columns = manifest.Features.Select(f => Array.IndexOf(header, f.Name)).ToArray();
        var width = columns.Length;
        var data = new float[(lines.Length - 1) * width];
        for (var r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            for (var f = 0; f < width; f++)
            {
                data[((r - 1) * width) + f] = float.Parse(cells[columns[f]], CultureInfo.InvariantCulture);
            }
        }

        return (data, lines.Length - 1);
    }

    // The raw side loads the same graph in its own session (one intra-op thread, as the manifests ask).
    private static string ModelFile(ModelManifest manifest) => Path.GetFullPath(Path.Combine("models", manifest.Name, manifest.Version, "model.onnx"));

    /// <summary>
    /// Raw ONNX Runtime on pre-parsed float arrays, chunk by chunk: the yardstick. A classifier whose probabilities come
    /// from a ZipMap is run without it (DESIGN.md §4): the ZipMap's input tensor is requested instead of its maps.
    /// </summary>
    internal static TimeSpan RawOrt(ModelLease lease, float[] features, int rows) => RawOrt(lease, features, rows, readZipMaps: false);

    /// <summary>
    /// With <paramref name="readZipMaps"/>, the graph as written: the ZipMap's maps are requested and every row's map,
    /// keys and values are read, as Shipyard did before it read the ZipMap's input (the cost that change removed).
    /// </summary>
    internal static TimeSpan RawOrt(ModelLease lease, float[] features, int rows, bool readZipMaps)
    {
        var manifest = lease.Manifest;
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        var bytes = File.ReadAllBytes(ModelFile(manifest));
        var exposed = manifest.IsClassifier && !readZipMaps ? Shipyard.Models.Internals.OnnxZipMap.Expose(bytes, manifest.Onnx.Outputs.Probabilities!, manifest) : null;
        using var session = new InferenceSession(exposed?.Model ?? bytes, options);
        using var runOptions = new RunOptions();
        string[] input = [manifest.Onnx.Inputs[0].Name];
        var outputs = manifest.IsClassifier
            ? new[] { manifest.Onnx.Outputs.Label!, exposed?.Tensor ?? manifest.Onnx.Outputs.Probabilities! }
            : new[] { manifest.Onnx.Outputs.Value! };
        var width = manifest.Features.Count;
        var sink = 0.0;
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < rows; start += ChunkRows)
        {
            var n = Math.Min(ChunkRows, rows - start);
            using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(start * width, n * width), [n, width]);
            using var results = session.Run(runOptions, input, [tensor], outputs);
            sink += results[0].IsTensor && results[0].GetTensorTypeAndShape().ElementDataType == TensorElementType.Float ? results[0].GetTensorDataAsSpan<float>()[0] : 0;
            if (readZipMaps && !results[^1].IsTensor)
            {
                for (var r = 0; r < results[^1].GetValueCount(); r++)
                {
                    using var map = results[^1].GetValue(r, OrtAllocator.DefaultInstance);
                    using var keys = map.GetValue(0, OrtAllocator.DefaultInstance);
                    using var values = map.GetValue(1, OrtAllocator.DefaultInstance);
                    sink += keys.GetTensorDataAsSpan<long>()[0] + values.GetTensorDataAsSpan<float>()[0];
                }
            }
        }

        var elapsed = clock.Elapsed;
        GC.KeepAlive(sink);
        return elapsed;
    }

    internal static TimeSpan Pipeline(ModelLease lease, string csvPath)
    {
        var output = csvPath + ".probe.scored.csv";
        var scorer = new BatchScorer(new BatchOptions { ChunkRows = ChunkRows });
        var clock = Stopwatch.StartNew();
        BatchReport report;
        using (var source = new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
        using (var scored = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            report = scorer.ScoreAsync(lease, new BatchInputInfo(csvPath, null, source.Length), source, scored, Stream.Null).GetAwaiter().GetResult();
        }

        var elapsed = clock.Elapsed;
        File.Delete(output);
        if (report.Status != BatchStatus.Succeeded)
        {
            throw new InvalidOperationException($"pipeline {report.Status}: {report.Reason}");
        }

        return elapsed;
    }

    /// <summary>The reader alone: every field of every record fetched (as UTF-8 bytes), no number parsing.</summary>
    private static TimeSpan ReadWithShipyard(string path)
    {
        var clock = Stopwatch.StartNew();
        long sum = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var reader = new CsvReader(stream))
        {
            while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    sum += reader.GetFieldUtf8(i).Length;
                }
            }
        }

        GC.KeepAlive(sum);
        return clock.Elapsed;
    }

    /// <summary>CsvHelper's reader alone: every field fetched with <c>GetSpan</c> (UTF-8 bytes), no number parsing.</summary>
    private static TimeSpan ReadWithCsvHelper(string path)
    {
        var clock = Stopwatch.StartNew();
        long sum = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var reader = global::CsvHelper.CsvReader.Create(stream, global::CsvHelper.CsvReaderOptions.Default, false))
        {
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    sum += reader.GetSpan(i).Length;
                }
            }
        }

        GC.KeepAlive(sum);
        return clock.Elapsed;
    }

    /// <summary>
    /// Every field parsed as a double: from <see cref="CsvReader.GetFieldUtf8"/> (what the batch pipeline does), or
    /// from <see cref="CsvReader.GetField"/> (decoded to UTF-16 on demand, the convenience API).
    /// </summary>
    private static TimeSpan ParseWithShipyard(string path, bool utf8)
    {
        var clock = Stopwatch.StartNew();
        var sum = 0.0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var reader = new CsvReader(stream))
        {
            reader.ReadAsync().AsTask().GetAwaiter().GetResult(); // header
            while (reader.ReadAsync().AsTask().GetAwaiter().GetResult())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    sum += utf8
                        ? double.Parse(reader.GetFieldUtf8(i), NumberStyles.Float, CultureInfo.InvariantCulture)
                        : double.Parse(reader.GetField(i), NumberStyles.Float, CultureInfo.InvariantCulture);
                }
            }
        }

        GC.KeepAlive(sum);
        return clock.Elapsed;
    }

    private static TimeSpan ParseWithCsvHelper(string path)
    {
        // CsvHelper 34's reader (UTF-8 spans over the stream); the header is consumed by HasHeader, or skipped here.
        var clock = Stopwatch.StartNew();
        var sum = 0.0;
        var options = global::CsvHelper.CsvReaderOptions.Default;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        using (var reader = global::CsvHelper.CsvReader.Create(stream, options, false))
        {
            var skip = !options.HasHeader;
            while (reader.Read())
            {
                if (skip)
                {
                    skip = false;
                    continue;
                }

                for (var i = 0; i < reader.FieldCount; i++)
                {
                    sum += double.Parse(reader.GetSpan(i), NumberStyles.Float, CultureInfo.InvariantCulture);
                }
            }
        }

        GC.KeepAlive(sum);
        return clock.Elapsed;
    }
}
