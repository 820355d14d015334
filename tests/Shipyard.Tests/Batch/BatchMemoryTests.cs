using Shipyard.Batch;
using Xunit;

namespace Shipyard.Tests.Batch;

/// <summary>
/// The batch pipeline's memory does not grow with the input: a million generated rows, the managed heap sampled
/// (after a full collection) every ~100k rows must stay within 4 MiB of the first sample.
/// Runs alone (a non-parallel collection): GC.GetTotalMemory is process-wide, so tests running in parallel would be
/// counted as our growth (it failed that way: 21 MB → 138 MB with the other Batch tests running, passes alone).
/// </summary>
[CollectionDefinition(BatchMemoryTests.Collection, DisableParallelization = true)]
[Collection(BatchMemoryTests.Collection)]
public sealed class BatchMemoryTests
{
    /// <summary>The non-parallel collection this class defines.</summary>
    public const string Collection = "Batch memory (not parallel)";

    [Fact]
    public async Task ScoreAsync_MillionRows_ManagedMemoryStaysFlat()
    {
        const int rows = 1_000_000;
        var heap = new List<long>();
        var scorer = new BatchScorer();
        var counting = new CountingStream();
        var report = await scorer.ScoreAsync(BatchTestModels.Manifest("diabetes"), BatchTestModels.Scorer("diabetes", "1", 1024),
            new BatchInputInfo("generated.csv", null, null), new GeneratedCsvStream(rows), counting, Stream.Null,
            SynchronousProgress.Create(p =>
            {
                if (p.Rows.Read % 100_352 == 0)
                {
                    heap.Add(GC.GetTotalMemory(forceFullCollection: true));
                }
            }),
            default);

        Assert.Equal(BatchStatus.Succeeded, report.Status);
        Assert.Equal(rows, report.Rows.Scored);
        Assert.True(counting.Length > 50_000_000);
        Assert.True(heap.Count >= 8, $"{heap.Count} samples");
        Assert.True(heap.Max() - heap[0] < 4 << 20, $"managed heap grew from {heap[0]:N0} to {heap.Max():N0} bytes");
    }

}
