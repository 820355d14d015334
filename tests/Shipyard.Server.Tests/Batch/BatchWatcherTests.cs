using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Batch;
using Shipyard.Server.Batch;
using Shipyard.Server.Tests.Monitoring;
using Shipyard.Models;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Batch;

/// <summary>The watcher's backoff between faulted attempts, on the file store with writes failed on demand.</summary>
public sealed class BatchWatcherTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"shipyard-watcher-{Guid.NewGuid():N}");
    private readonly ShiftableClock _clock = new();
    private readonly List<IAsyncDisposable> _disposables = [];
    private HookedBlobStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new HookedBlobStore(new FileBlobStore(_root));
        await _store.CreateContainerIfNotExistsAsync("batch-in");
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task FaultedInput_TriedAgainOnlyAfterDoublingCappedDelays_ThenEndsWithFailedReport()
    {
        var watcher = await CreateWatcherAsync(maxAttempts: 4);
        await UploadInputAsync();
        _store.FailUpload = (_, name) => name.EndsWith(".scored.csv", StringComparison.Ordinal);

        // Faults 1-3 wait 60 s, 120 s, then 150 s (240 s capped); each poll in between leaves the input alone.
        foreach (var (wait, faultsAfter) in new[] { (0, 1), (59, 1), (1, 2), (119, 2), (1, 3), (149, 3) })
        {
            _clock.Advance(TimeSpan.FromSeconds(wait));
            Assert.Empty(await watcher.PollOnceAsync());
            Assert.Equal(faultsAfter, _store.FailedUploads);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        var last = Assert.Single(await watcher.PollOnceAsync());

        Assert.Equal(4, _store.FailedUploads);
        Assert.Equal(BatchStatus.Failed, last.Report!.Status);
        Assert.StartsWith("gave up after 4 attempts that ended in a storage fault", last.Report.Reason, StringComparison.Ordinal);
        Assert.Equal(BatchOutcomeKind.AlreadyDone, Assert.Single(await watcher.PollOnceAsync()).Kind);
    }

    [Fact]
    public async Task NewUploadWhileTheOldVersionWaits_IsScoredAtTheNextPoll()
    {
        var watcher = await CreateWatcherAsync(maxAttempts: 5);
        await UploadInputAsync();
        _store.FailUpload = (_, name) => name.EndsWith(".scored.csv", StringComparison.Ordinal);
        Assert.Empty(await watcher.PollOnceAsync());

        _store.FailUpload = null;
        var replaced = await UploadInputAsync();
        var outcome = Assert.Single(await watcher.PollOnceAsync());

        Assert.Equal((BatchStatus.Succeeded, replaced.ETag), (outcome.Report!.Status, outcome.Report.Input.ETag));
    }

    private async Task<BatchWatcher> CreateWatcherAsync(int maxAttempts)
    {
        var registry = new ModelRegistry(_store, Options.Create(new ShipyardOptions { ModelsPath = RepoPaths.Models, RegistryPollInterval = TimeSpan.Zero }));
        _disposables.Add(registry);
        await registry.StartAsync();
        var processor = new BlobBatchProcessor(_store, registry, new BatchScorer(new BatchOptions { MaxAttempts = maxAttempts }), NullLogger<BlobBatchProcessor>.Instance);
        var options = new BatchWatcherOptions { RetryDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromSeconds(150) };
        return new BatchWatcher(_store, registry, processor, Options.Create(options), NullLogger<BatchWatcher>.Instance, _clock);
    }

    private async Task<BlobProperties> UploadInputAsync() =>
        await _store.UploadAsync("batch-in", "diabetes/in.csv", File.OpenRead(Path.Combine(RepoPaths.Models, "diabetes", "data", "holdout.csv")));
}
