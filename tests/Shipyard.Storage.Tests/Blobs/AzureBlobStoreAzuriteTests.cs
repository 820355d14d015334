using System.Diagnostics;
using Shipyard.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Shipyard.Storage.Tests.Blobs;

/// <summary>AzureBlobStore behaviour that needs a real service: paging at scale, 1 GiB streaming, outages.</summary>
[Collection(AzuriteHeavyTests.Name)]
public sealed class AzureBlobStoreAzuriteTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>
    /// Managed memory budget for streaming 1 GiB: allocations and peak heap stay under 64 MiB each way. With 4 MiB
    /// blocks and 4 in flight the store needs ~20 MiB of pooled buffers; anything near the blob size would fail.
    /// </summary>
    private const long MemoryLimit = 64L * 1024 * 1024;

    private readonly AzureBlobStore _store = new(StorageConnection.Parse(azurite.ConnectionString));

    [Fact]
    public async Task ListPage_AcrossMoreThan5000Blobs_PagesWithMarkers()
    {
        var container = await NewContainerAsync();
        const int Count = 5_100;
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            await _store.UploadTextAsync(container, $"logs/{i:D5}.jsonl", "{}", cancellationToken: ct));

        var first = await _store.ListPageAsync(container, "logs/");
        var second = await _store.ListPageAsync(container, "logs/", first.NextMarker);
        var all = await _store.ListAsync(container).Select(b => b.Name).ToListAsync();

        Assert.Equal(5_000, first.Blobs.Count);
        Assert.NotNull(first.NextMarker);
        Assert.Equal(100, second.Blobs.Count);
        Assert.Null(second.NextMarker);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"logs/{i:D5}.jsonl"), all);
    }

    [Fact]
    public async Task OneGiB_UploadAndDownload_StreamWithBoundedMemory()
    {
        var container = await NewContainerAsync();
        const long Size = 1L << 30;
        var options = new BlobUploadOptions { BlockSize = 4 * 1024 * 1024, MaxConcurrency = 4 };

        var (written, upload) = await MeasureAsync(() => _store.UploadAsync(container, "big.bin", new PatternStream(Size), options));
        var (verified, download) = await MeasureAsync(async () =>
        {
            await using var read = await _store.OpenReadAsync(container, "big.bin");
            var buffer = new byte[1024 * 1024];
            long offset = 0;
            int n;
            while ((n = await read.ReadAsync(buffer)) > 0)
            {
                Assert.True(PatternStream.Matches(buffer.AsSpan(0, n), offset), $"Mismatch in the chunk at offset {offset}.");
                offset += n;
            }

            return offset;
        });

        output.WriteLine($"upload: {upload}; download: {download}");
        Assert.Equal(Size, written.Length);
        Assert.Equal(Size, verified);
        Assert.True(upload.Allocated < MemoryLimit && upload.PeakHeap < MemoryLimit, $"Upload used too much memory: {upload}");
        Assert.True(download.Allocated < MemoryLimit && download.PeakHeap < MemoryLimit, $"Download used too much memory: {download}");
    }

    [Fact]
    public async Task AzuriteCrashesMidUpload_UploadCompletesOrFailsCleanly_NeverAPartialBlob()
    {
        var container = await NewContainerAsync();
        const long Size = 48L * 1024 * 1024;
        await _store.UploadAsync(container, "model.onnx", "version 1"u8.ToArray());
        await azurite.RestartAsync(); // graceful: the container and version 1 are on disk before the crash

        var crashed = 0;
        Task? restart = null;
        var source = new PatternStream(Size, async position =>
        {
            if (position >= 16L * 1024 * 1024 && Interlocked.Exchange(ref crashed, 1) == 0)
            {
                await azurite.StopAsync(graceful: false);
                restart = Task.Delay(TimeSpan.FromSeconds(1.5)).ContinueWith(_ => azurite.StartAsync()).Unwrap();
            }
        });

        Exception? failure = null;
        try
        {
            await _store.UploadAsync(container, "model.onnx", source, new BlobUploadOptions { BlockSize = 1024 * 1024, MaxConcurrency = 2 });
        }
        catch (Exception e)
        {
            failure = e;
        }

        await restart!;
        output.WriteLine($"upload outcome: {(failure is null ? "completed" : failure.GetType().Name + ": " + failure.Message)}");
        var properties = await _store.GetPropertiesAsync(container, "model.onnx");
        Assert.NotNull(properties);
        if (failure is null)
        {
            Assert.Equal(Size, properties.Length);
            await using var read = await _store.OpenReadAsync(container, "model.onnx");
            var buffer = new byte[1024 * 1024];
            long offset = 0;
            int n;
            while ((n = await read.ReadAsync(buffer)) > 0)
            {
                Assert.True(PatternStream.Matches(buffer.AsSpan(0, n), offset));
                offset += n;
            }

            Assert.Equal(Size, offset);
        }
        else
        {
            Assert.True(failure is Azure.RequestFailedException or BlobConditionFailedException or IOException or HttpRequestException, failure.ToString());
            Assert.Equal("version 1", await _store.ReadAllTextAsync(container, "model.onnx"));
        }
    }

    [Fact]
    public async Task AzuriteCrashesMidDownload_ReadResumesAtOffsetWithSameETag()
    {
        var container = await NewContainerAsync();
        const long Size = 24L * 1024 * 1024;
        await _store.UploadAsync(container, "data.csv", new PatternStream(Size));
        await azurite.RestartAsync();

        await using var read = await _store.OpenReadAsync(container, "data.csv");
        var buffer = new byte[256 * 1024];
        long offset = 0;
        var crashed = false;
        int n;
        while ((n = await read.ReadAsync(buffer)) > 0)
        {
            Assert.True(PatternStream.Matches(buffer.AsSpan(0, n), offset), $"Mismatch at offset {offset}.");
            offset += n;
            if (!crashed && offset >= 4 * 1024 * 1024)
            {
                crashed = true;
                await azurite.StopAsync(graceful: false);
                _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => azurite.StartAsync()).Unwrap();
            }
        }

        Assert.True(crashed);
        Assert.Equal(Size, offset);
    }

    [Fact]
    public async Task BlobOverwrittenWhileReadIsInterrupted_FailsWithConditionRatherThanMixingVersions()
    {
        var container = await NewContainerAsync();
        const long Size = 24L * 1024 * 1024;
        await _store.UploadAsync(container, "routing.json", new PatternStream(Size));
        await azurite.RestartAsync();

        await using var read = await _store.OpenReadAsync(container, "routing.json");
        var buffer = new byte[256 * 1024];
        await read.ReadExactlyAsync(buffer);
        await azurite.StopAsync(graceful: false);
        await azurite.StartAsync();
        await _store.UploadTextAsync(container, "routing.json", "new version");

        await Assert.ThrowsAsync<BlobConditionFailedException>(async () =>
        {
            while (await read.ReadAsync(buffer) > 0)
            {
            }
        });
    }

    private async Task<string> NewContainerAsync()
    {
        var name = "h" + Guid.NewGuid().ToString("N")[..20];
        await _store.CreateContainerIfNotExistsAsync(name);
        return name;
    }

    private static async Task<(T Result, MemoryUse Use)> MeasureAsync<T>(Func<Task<T>> operation)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
                await Task.Delay(10);
            }
        });
        var watch = Stopwatch.StartNew();
        var result = await operation();
        watch.Stop();
        await stop.CancelAsync();
        await sampler;
        return (result, new MemoryUse(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, peak, watch.Elapsed));
    }

    private sealed record MemoryUse(long Allocated, long PeakHeap, TimeSpan Elapsed)
    {
        public override string ToString() => $"{Allocated / 1048576.0:F1} MiB allocated, peak heap +{PeakHeap / 1048576.0:F1} MiB, {Elapsed.TotalSeconds:F1} s";
    }
}
