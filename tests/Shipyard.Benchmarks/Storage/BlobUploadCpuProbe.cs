using System.Diagnostics;
using System.Globalization;
using Shipyard.Storage;
using Shipyard.Testing;

namespace Shipyard.Benchmarks.Storage;

/// <summary>
/// Where the time of a large block upload to Azurite goes: per upload, wall time, this process's CPU time, Azurite's
/// CPU time (its process tree, from /proc), bytes allocated here and the GC count. On a 2-core machine the client's CPU
/// is CPU Azurite (one Node thread) does not get, so a client that burns more per byte uploads slower when the cores
/// are shared. Same store options as <see cref="BlobThroughputBenchmarks"/> (4 MiB blocks, 4 in flight); one Azurite for
/// all uploads, a warm-up upload first. Run from the repository root:
/// <c>dotnet artifacts/bench/Shipyard.Benchmarks.dll --blob-upload-cpu [MIB] [COUNT]</c> (default 1024 MiB, 3).
/// </summary>
internal static class BlobUploadCpuProbe
{
    public static async Task RunAsync(long mebibytes, int count)
    {
        var chunk = new byte[1024 * 1024];
        Random.Shared.NextBytes(chunk);
        var options = new BlobUploadOptions { BlockSize = 4 * 1024 * 1024, MaxConcurrency = 4 };
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync().ConfigureAwait(false);
        try
        {
            var store = new AzureBlobStore(StorageConnection.Parse(azurite.ConnectionString));
            await store.CreateContainerIfNotExistsAsync("bench").ConfigureAwait(false);
            await store.UploadAsync("bench", "warm-up", new RepeatingStream(chunk, 64L << 20), options).ConfigureAwait(false);
            var self = Process.GetCurrentProcess();
            for (var i = 0; i < count; i++)
            {
                self.Refresh();
                var cpu = self.TotalProcessorTime;
                var azuriteCpu = DescendantsCpu(Environment.ProcessId);
                var allocated = GC.GetTotalAllocatedBytes();
                var collections = GC.CollectionCount(0);
                var clock = Stopwatch.StartNew();
                await store.UploadAsync("bench", "upload", new RepeatingStream(chunk, mebibytes << 20), options).ConfigureAwait(false);
                var wall = clock.Elapsed;
                self.Refresh();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"upload {mebibytes} MiB: {wall.TotalSeconds:F2} s ({mebibytes / wall.TotalSeconds:F1} MiB/s), client CPU {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s, Azurite CPU {(DescendantsCpu(Environment.ProcessId) - azuriteCpu).TotalSeconds:F2} s, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:F1} MB, gen0 GCs {GC.CollectionCount(0) - collections}"));
            }
        }
        finally
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
        }
    }

    // utime + stime of every process below `root` (Azurite runs as node under a launcher), in clock ticks of 10 ms.
    private static TimeSpan DescendantsCpu(int root)
    {
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }

        long total = 0;
        foreach (var (pid, parent) in parents)
        {
            for (var p = parent; p > 1 && parents.ContainsKey(p); p = parents[p])
            {
                if (p == root)
                {
                    total += ticks[pid];
                    break;
                }
            }
        }

        return TimeSpan.FromMilliseconds(total * 10);
    }
}
