using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Shipyard.Storage;
using Shipyard.Testing;

namespace Shipyard.Benchmarks.Storage;

/// <summary>
/// Upload and download throughput of <see cref="AzureBlobStore"/> against a local Azurite (files on disk), for 1 MiB
/// (one Put Blob), 64 MiB and 1 GiB (4 MiB blocks, 4 in flight). Throughput = size / mean time; see docs/benchmarks.md.
/// In-process and few iterations: each 1 GiB iteration moves a gigabyte through Node.
/// </summary>
// One job: in-process and 1 warm-up + 3 measured iterations. [InProcess] next to [SimpleJob] made two jobs (the default
// in-process one ran up to 100 iterations per size, hours for 1 GiB; then an out-of-process one).
[Config(typeof(ThroughputConfig))]
[MemoryDiagnoser]
// Not sealed: BenchmarkDotNet derives from benchmark classes and silently skips sealed ones (the filter found nothing).
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes Azurite in [GlobalCleanup].")]
public class BlobThroughputBenchmarks
{
    private const string Container = "bench";
    private readonly byte[] _chunk = new byte[1024 * 1024];
    private readonly byte[] _readBuffer = new byte[1024 * 1024];
    private AzuriteFixture _azurite = null!;
    private AzureBlobStore _store = null!;

    /// <summary>Blob size in bytes.</summary>
    [Params(1L << 20, 64L << 20, 1L << 30)]
    public long Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_chunk);
        _azurite = new AzuriteFixture();
        _azurite.InitializeAsync().GetAwaiter().GetResult();
        _store = new AzureBlobStore(StorageConnection.Parse(_azurite.ConnectionString));
        _store.CreateContainerIfNotExistsAsync(Container).GetAwaiter().GetResult();
        _store.UploadAsync(Container, "download", new RepeatingStream(_chunk, Size), Options).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _azurite?.DisposeAsync().GetAwaiter().GetResult();

    private static BlobUploadOptions Options { get; } = new() { BlockSize = 4 * 1024 * 1024, MaxConcurrency = 4 };

    [Benchmark]
    public Task<BlobProperties> Upload() => _store.UploadAsync(Container, "upload", new RepeatingStream(_chunk, Size), Options);

    [Benchmark]
    public async Task<long> Download()
    {
        await using var stream = await _store.OpenReadAsync(Container, "download");
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(_readBuffer)) > 0)
        {
            total += n;
        }

        return total;
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
