using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Batch;
using Shipyard.Models;
using Shipyard.Storage;
using Shipyard.Testing;
using Measured = Shipyard.Benchmarks.Batch.BatchThroughputProbe.Measured;

namespace Shipyard.Benchmarks.Batch;

/// <summary>
/// Batch rows/s end to end through storage, side by side in one process with the same model, file and chunk size:
/// raw ORT on pre-parsed arrays (the 100% line), the pipeline file → file (<see cref="BatchScorer"/> over
/// <see cref="FileStream"/>s, as <c>shipyard score</c>), and the whole job as the BatchScore function runs it
/// (<see cref="BlobBatchProcessor"/>: claim, streamed read, score, block upload of scored + errors, report) over the
/// embedded <see cref="FileBlobStore"/> and over <see cref="AzureBlobStore"/> against a real Azurite started from
/// node_modules (its CPU is not in the CPU column: Azurite is another process). Variants are interleaved round by round (so a load spike hits all of them), best of
/// <c>REPEAT</c> rounds each. Inputs are uploaded before the clock starts, one blob per round (a new ETag; the same
/// ETag would be <see cref="BatchOutcomeKind.AlreadyDone"/>). Run from the repository root:
/// <c>dotnet artifacts/bench-batch/Shipyard.Benchmarks.dll --batch-storage-throughput FILE.csv [MODEL] [REPEAT]</c>.
/// </summary>
internal static class BatchStorageThroughputProbe
{
    // The two measurements of RunMemoryAsync, one input blob each (a job on an input it already did is skipped).
    private static readonly string[] MemoryRuns = ["fresh-process", "after-upload"];

    public static async Task RunAsync(string csvPath, string modelName, int repeat)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"shipyard-batch-storage-probe-{Guid.NewGuid():N}");
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync().ConfigureAwait(false);
        try
        {
            var content = await File.ReadAllBytesAsync(csvPath).ConfigureAwait(false);
            var fileStore = new FileBlobStore(Path.Combine(scratch, "store"));
            var azureStore = new AzureBlobStore(StorageConnection.Parse(azurite.ConnectionString));
            await using var fileJobs = await BlobJobs.CreateAsync(fileStore, Path.Combine(scratch, "file-registry"), modelName).ConfigureAwait(false);
            await using var azureJobs = await BlobJobs.CreateAsync(azureStore, Path.Combine(scratch, "azure-registry"), modelName).ConfigureAwait(false);

            using var lease = fileJobs.Lease();
            var manifest = lease.Manifest;
            var (features, rows) = BatchThroughputProbe.PreParse(csvPath, manifest);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model {manifest.Name} v{manifest.Version}, {rows:N0} rows x {manifest.Features.Count} features, {content.Length / 1e6:F1} MB, chunk {BatchThroughputProbe.ChunkRows}, best of {repeat} interleaved rounds"));

            Measured raw = Measured.None, file = Measured.None, fileBlob = Measured.None, azureBlob = Measured.None;
            for (var round = 0; round < repeat; round++)
            {
                raw = raw.Min(BatchThroughputProbe.Measure(() => BatchThroughputProbe.RawOrt(lease, features, rows)));
                file = file.Min(BatchThroughputProbe.Measure(() => BatchThroughputProbe.Pipeline(lease, csvPath)));
                var fileInput = await fileJobs.UploadAsync(content, round).ConfigureAwait(false);
                fileBlob = fileBlob.Min(BatchThroughputProbe.Measure(() => fileJobs.Process(fileInput, rows)));
                var azureInput = await azureJobs.UploadAsync(content, round).ConfigureAwait(false);
                azureBlob = azureBlob.Min(BatchThroughputProbe.Measure(() => azureJobs.Process(azureInput, rows)));
            }

            BatchThroughputProbe.Report("raw ORT (pre-parsed float[])", rows, raw, raw);
            BatchThroughputProbe.Report("pipeline file->file", rows, file, raw);
            BatchThroughputProbe.Report("job FileBlobStore->FileBlobStore", rows, fileBlob, raw);
            BatchThroughputProbe.Report("job Azurite->Azurite", rows, azureBlob, raw);
        }
        finally
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>
    /// Peak RSS of one Azurite→Azurite job on <paramref name="csvPath"/> (streamed up first, never held in memory), measured
    /// twice: in a fresh process that does nothing but the job (as the Functions worker or the server's watcher, which
    /// never uploaded the input), and in this process after it streamed the input up (which charges the job for what the
    /// upload left behind). Each time the peak RSS is reset (<c>/proc/self/clear_refs</c>, Linux) and read back
    /// (<c>VmHWM</c>) after the job, so the figure is the job's own. Compare a 100k-row and a 1M-row file: flat memory
    /// means within 10%. <c>dotnet artifacts/bench-batch/Shipyard.Benchmarks.dll --batch-storage-memory FILE.csv [MODEL]</c>.
    /// </summary>
    public static async Task RunMemoryAsync(string csvPath, string modelName)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"shipyard-batch-memory-probe-{Guid.NewGuid():N}");
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync().ConfigureAwait(false);
        try
        {
            var store = new AzureBlobStore(StorageConnection.Parse(azurite.ConnectionString));
            await store.CreateContainerIfNotExistsAsync(BlobBatchProcessor.InputContainer).ConfigureAwait(false);
            var rows = File.ReadLines(csvPath).Count() - 1;
            var names = MemoryRuns.Select(n => string.Create(CultureInfo.InvariantCulture, $"{modelName.Split(':')[0]}/memory-{n}.csv")).ToArray();
            foreach (var name in names)
            {
                await using var input = File.OpenRead(csvPath);

                // Small blocks, one at a time: the upload must not leave 4 MiB pooled buffers behind.
                await store.UploadAsync(BlobBatchProcessor.InputContainer, name, input, new BlobUploadOptions { BlockSize = 256 * 1024, MaxConcurrency = 1 }).ConfigureAwait(false);
            }

            await RunChildAsync(azurite.ConnectionString, names[0], modelName, rows).ConfigureAwait(false);
            Console.WriteLine("in this process, after uploading the inputs: " + await MeasureJobAsync(store, Path.Combine(scratch, "registry"), names[1], modelName, rows).ConfigureAwait(false));
        }
        finally
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>The child side of <see cref="RunMemoryAsync"/>: one job on an input already in Azurite, then its peak RSS.</summary>
    public static async Task RunMemoryJobAsync(string connectionString, string name, string modelName, int rows)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"shipyard-batch-memory-job-{Guid.NewGuid():N}");
        try
        {
            var store = new AzureBlobStore(StorageConnection.Parse(connectionString));
            Console.WriteLine("in a fresh process: " + await MeasureJobAsync(store, scratch, name, modelName, rows).ConfigureAwait(false));
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static async Task RunChildAsync(string connectionString, string name, string modelName, int rows)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        foreach (var arg in new[] { typeof(BatchStorageThroughputProbe).Assembly.Location, "--batch-storage-memory-job", connectionString, name, modelName, rows.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("the job process did not start");
        await child.WaitForExitAsync().ConfigureAwait(false);
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"the job process exited with {child.ExitCode}");
        }
    }

    private static async Task<string> MeasureJobAsync(IBlobStore store, string dataPath, string name, string modelName, int rows)
    {
        await using var jobs = await BlobJobs.CreateAsync(store, dataPath, modelName).ConfigureAwait(false);
        GC.Collect();
        var before = Rss("VmRSS");
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        await File.WriteAllTextAsync("/proc/self/clear_refs", "5").ConfigureAwait(false);

        // Where the peak is: the GC's committed memory sampled through the job (the rest of RSS is native: ORT, sockets).
        long peakCommitted = 0;
        using (new Timer(_ => InterlockedMax(ref peakCommitted, GC.GetGCMemoryInfo().TotalCommittedBytes), null, 0, 10))
        {
            var elapsed = jobs.Process(name, rows);
            var peak = Rss("VmHWM");
            return string.Create(CultureInfo.InvariantCulture,
                $"job Azurite->Azurite {rows:N0} rows: {elapsed.TotalSeconds:F2} s, RSS before {before / 1024:N0} MiB, peak RSS during the job {peak / 1024:N0} MiB ({peak:N0} KB); GC committed peak {Interlocked.Read(ref peakCommitted) / 1048576.0:F0} MiB, GCs gen0/1/2 {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}");
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    // A line of /proc/self/status in KB (VmRSS: now; VmHWM: peak since start or the last clear_refs 5).
    private static long Rss(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>A registry and a <see cref="BlobBatchProcessor"/> over one store, as the function app wires them.</summary>
    private sealed class BlobJobs(IBlobStore store, ModelRegistry registry, string model) : IAsyncDisposable
    {
        private readonly BlobBatchProcessor _processor = new(store, registry,
            new BatchScorer(new BatchOptions { ChunkRows = BatchThroughputProbe.ChunkRows }), NullLogger<BlobBatchProcessor>.Instance);

        public static async Task<BlobJobs> CreateAsync(IBlobStore store, string dataPath, string model)
        {
            var registry = new ModelRegistry(store, Options.Create(new ShipyardOptions
            {
                ModelsPath = Path.GetFullPath("models"),
                DataPath = dataPath,
                RegistryPollInterval = TimeSpan.Zero,
            }));
            await registry.StartAsync().ConfigureAwait(false);
            await store.CreateContainerIfNotExistsAsync(BlobBatchProcessor.InputContainer).ConfigureAwait(false);

            // MODEL:VERSION: jobs score the production version, so make that version production in this store.
            if (model.Split(':') is [var name, var version])
            {
                await registry.PromoteAsync(name, "production", version).ConfigureAwait(false);
                model = name;
            }

            return new BlobJobs(store, registry, model);
        }

        public ModelLease Lease()
        {
            var info = registry.Find(model) ?? throw new ArgumentException($"no model '{model}' under ./models");
            return registry.Acquire(model, info.Routing.Production ?? throw new ArgumentException($"model '{model}' has no production version"));
        }

        /// <summary>Uploads the input of one round (untimed) and returns its name in <c>batch-in</c>.</summary>
        public async Task<string> UploadAsync(byte[] content, int round)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{model}/probe-{round}.csv");
            await store.UploadAsync(BlobBatchProcessor.InputContainer, name, content).ConfigureAwait(false);
            return name;
        }

        /// <summary>Times one whole job on <paramref name="name"/> (blocking: the caller measures this thread's process CPU).</summary>
        public TimeSpan Process(string name, int rows)
        {
            var clock = Stopwatch.StartNew();
            var outcome = _processor.ProcessAsync(name).GetAwaiter().GetResult();
            var elapsed = clock.Elapsed;
            if (outcome.Kind != BatchOutcomeKind.Completed || outcome.Report is not { Status: BatchStatus.Succeeded } report || report.Rows.Scored != rows)
            {
                throw new InvalidOperationException($"job on {name}: {outcome.Kind} {outcome.Report?.Status} {outcome.Report?.Reason}");
            }

            return elapsed;
        }

        public ValueTask DisposeAsync() => registry.DisposeAsync();
    }
}
