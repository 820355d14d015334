using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Batch;
using Shipyard.Models;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Batch;

/// <summary>The blob-level behaviour, run against every store (file store and Azurite subclasses below).</summary>
public abstract class BlobBatchProcessorTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    protected abstract IBlobStore CreateStore();

    internal HookedBlobStore Store { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Store = new HookedBlobStore(CreateStore());
        await Store.CreateContainerIfNotExistsAsync("batch-in");
    }

    public async Task DisposeAsync()
    {
        foreach (var d in _disposables)
        {
            await d.DisposeAsync();
        }
    }

    [Fact]
    public async Task Holdout_PublishesScoredErrorsAndReport()
    {
        var processor = await CreateProcessorAsync();
        var holdout = File.ReadAllBytes(BatchTestModels.DataFile("breast-cancer", "holdout.csv"));
        var input = await Store.UploadAsync("batch-in", "breast-cancer/holdout.csv", holdout);

        var outcome = await processor.ProcessAsync("breast-cancer/holdout.csv");

        Assert.Equal(BatchOutcomeKind.Completed, outcome.Kind);
        var report = await ReadReportAsync("breast-cancer/holdout.report.json");
        Assert.Equal(BatchStatus.Succeeded, report.Status);
        Assert.Equal("1", report.Version);
        Assert.Equal(new BatchInputInfo("breast-cancer/holdout.csv", input.ETag, holdout.Length), report.Input);
        Assert.Equal(new BatchOutputNames("breast-cancer/holdout.scored.csv", "breast-cancer/holdout.errors.csv"), report.Outputs);
        var lines = holdout.Count(b => b == (byte)'\n');
        Assert.Equal(lines - 1, report.Rows.Scored);
        var scored = await CsvReaderTests.ReadAllAsync(await Store.OpenReadAsync("batch-out", "breast-cancer/holdout.scored.csv"));
        Assert.Equal(lines, scored.Count);
        Assert.Equal(["prediction", "probability_malignant", "probability_benign"], scored[0][^3..]);
        Assert.Equal("row,column,reason\r\n", await Store.ReadAllTextAsync("batch-out", "breast-cancer/holdout.errors.csv"));
    }

    [Fact]
    public async Task SameETagTwice_ScoresOnce_NewETag_ScoresAgain()
    {
        var processor = await CreateProcessorAsync();
        await Store.UploadAsync("batch-in", "diabetes/in.csv", File.ReadAllBytes(BatchTestModels.DataFile("diabetes", "holdout.csv")));
        Assert.Equal(BatchOutcomeKind.Completed, (await processor.ProcessAsync("diabetes/in.csv")).Kind);
        var first = await Store.GetPropertiesAsync("batch-out", "diabetes/in.report.json");

        var again = await processor.ProcessAsync("diabetes/in.csv");
        var other = await (await CreateProcessorAsync()).ProcessAsync("diabetes/in.csv");

        Assert.Equal(BatchOutcomeKind.AlreadyDone, again.Kind);
        Assert.Equal(BatchOutcomeKind.AlreadyDone, other.Kind);
        Assert.Equal(first!.ETag, (await Store.GetPropertiesAsync("batch-out", "diabetes/in.report.json"))!.ETag);

        var lines = File.ReadAllLines(BatchTestModels.DataFile("diabetes", "holdout.csv"));
        var changed = await Store.UploadAsync("batch-in", "diabetes/in.csv", Encoding.UTF8.GetBytes(string.Join("\n", lines[..11])));
        Assert.Equal(BatchOutcomeKind.Completed, (await processor.ProcessAsync("diabetes/in.csv")).Kind);
        var report = await ReadReportAsync("diabetes/in.report.json");
        Assert.Equal(changed.ETag, report.Input.ETag);
        Assert.Equal(10, report.Rows.Scored);
    }

    [Fact]
    public async Task ConcurrentReplicas_ExactlyOneScores()
    {
        await Store.UploadAsync("batch-in", "digits/race.csv", File.ReadAllBytes(BatchTestModels.DataFile("digits", "holdout.csv")));
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => CreateProcessorAsync()));

        var outcomes = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.ProcessAsync("digits/race.csv"))));

        Assert.Single(outcomes, o => o.Kind == BatchOutcomeKind.Completed);
        Assert.All(outcomes.Where(o => o.Kind != BatchOutcomeKind.Completed), o => Assert.Contains(o.Kind, new[] { BatchOutcomeKind.AlreadyDone, BatchOutcomeKind.ClaimedElsewhere }));
    }

    [Fact]
    public async Task ModelVersionMetadata_PicksTheVersion()
    {
        var processor = await CreateProcessorAsync();
        await Store.UploadAsync("batch-in", "breast-cancer/v2.csv", File.ReadAllBytes(BatchTestModels.DataFile("breast-cancer", "holdout.csv")),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["model_version"] = "2" } });
        await processor.ProcessAsync("breast-cancer/v2.csv");
        Assert.Equal("2", (await ReadReportAsync("breast-cancer/v2.report.json")).Version);
    }

    [Fact]
    public async Task UnknownModel_FailedReport()
    {
        var processor = await CreateProcessorAsync();
        await Store.UploadAsync("batch-in", "no-such-model/x.csv", Encoding.UTF8.GetBytes("a\n1\n"));
        var outcome = await processor.ProcessAsync("no-such-model/x.csv");
        Assert.Equal(BatchOutcomeKind.Completed, outcome.Kind);
        var report = await ReadReportAsync("no-such-model/x.report.json");
        Assert.Equal(BatchStatus.Failed, report.Status);
        Assert.StartsWith("unknown model 'no-such-model' (known models: breast-cancer, diabetes, digits", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotABatchInput_Ignored()
    {
        var processor = await CreateProcessorAsync();
        Assert.Equal(BatchOutcomeKind.Ignored, (await processor.ProcessAsync("loose.csv")).Kind);
        Assert.Equal(BatchOutcomeKind.Ignored, (await processor.ProcessAsync("Bad_Name/x.csv")).Kind);
        Assert.Equal(BatchOutcomeKind.Ignored, (await processor.ProcessAsync("diabetes/missing.csv")).Kind);
    }

    [Theory]
    [InlineData("diabetes//x.csv", "empty segments")]
    [InlineData("diabetes/a\\..\\x.csv", "'\\'")]
    [InlineData("diabetes/x.csv.", "end with '/' or '.'")]
    public async Task NameTheStoreRefuses_IgnoredWithTheReason_NotAFault(string blobName, string reason)
    {
        // The trigger may name a blob the store cannot read or publish next to: an exception would be retried into the poison queue.
        var processor = await CreateProcessorAsync();

        var outcome = await processor.ProcessAsync(blobName);

        Assert.Equal(BatchOutcomeKind.Ignored, outcome.Kind);
        Assert.Contains(reason, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoisonInput_FailedOnceThenNeverRetried()
    {
        var processor = await CreateProcessorAsync();
        await Store.UploadAsync("batch-in", "diabetes/garbage.bin", Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31 % 256)).ToArray());
        var outcome = await processor.ProcessAsync("diabetes/garbage.bin");
        Assert.Equal(BatchOutcomeKind.Completed, outcome.Kind);
        var report = await ReadReportAsync("diabetes/garbage.report.json");
        Assert.Equal(BatchStatus.Failed, report.Status);
        Assert.StartsWith("the input is not readable CSV", report.Reason, StringComparison.Ordinal);
        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/garbage.scored.csv"));
        Assert.Equal(BatchOutcomeKind.AlreadyDone, (await processor.ProcessAsync("diabetes/garbage.bin")).Kind);
    }

    [Fact]
    public async Task Rejected_PublishesErrorsButNoScoredFile_AndRemovesTheStaleOne()
    {
        var processor = await CreateProcessorAsync();
        var lines = File.ReadAllLines(BatchTestModels.DataFile("diabetes", "holdout.csv"));
        await Store.UploadAsync("batch-in", "diabetes/r.csv", Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        await processor.ProcessAsync("diabetes/r.csv");
        Assert.NotNull(await Store.GetPropertiesAsync("batch-out", "diabetes/r.scored.csv"));

        for (var i = 1; i < 30; i++)
        {
            lines[i] = "x" + lines[i];
        }

        await Store.UploadAsync("batch-in", "diabetes/r.csv", Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        await processor.ProcessAsync("diabetes/r.csv");

        var report = await ReadReportAsync("diabetes/r.report.json");
        Assert.Equal(BatchStatus.Rejected, report.Status);
        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/r.scored.csv"));
        var errors = await CsvReaderTests.ReadAllAsync(await Store.OpenReadAsync("batch-out", "diabetes/r.errors.csv"));
        Assert.Equal(30, errors.Count);
    }

    [Fact]
    public async Task CancelledMidJob_PublishesNothing_RetryPublishesCompleteOutputOnce()
    {
        var processor = await CreateProcessorAsync();
        const int rows = 150_000;
        var input = new MemoryStream();
        await new GeneratedCsvStream(rows).CopyToAsync(input);
        await Store.UploadAsync("batch-in", "diabetes/big.csv", input.ToArray());
        using var cts = new CancellationTokenSource();
        Store.TriggerBytes = input.Length / 2;
        Store.OnInputRead = () => cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => processor.ProcessAsync("diabetes/big.csv", cts.Token));

        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/big.scored.csv"));
        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/big.report.json"));

        Store.OnInputRead = null;
        var retry = await processor.ProcessAsync("diabetes/big.csv");
        Assert.Equal(BatchOutcomeKind.Completed, retry.Kind);
        Assert.Equal(rows, retry.Report!.Rows.Scored);
        await AssertScoredRowsAsync("diabetes/big.scored.csv", rows);
        Assert.Equal(BatchOutcomeKind.AlreadyDone, (await processor.ProcessAsync("diabetes/big.csv")).Kind);
    }

    [Fact]
    public async Task StorageFaultOnEveryAttempt_EndsAfterMaxAttemptsWithOneFailedReportNamingTheFault_NewUploadStartsFresh()
    {
        var processor = await CreateProcessorAsync(new BatchOptions { MaxAttempts = 3 });
        var holdout = File.ReadAllBytes(BatchTestModels.DataFile("diabetes", "holdout.csv"));
        var input = await Store.UploadAsync("batch-in", "diabetes/full.csv", holdout);
        Store.FailUpload = (container, name) => name.EndsWith(".scored.csv", StringComparison.Ordinal);

        await Assert.ThrowsAsync<IOException>(() => processor.ProcessAsync("diabetes/full.csv"));
        await Assert.ThrowsAsync<IOException>(() => processor.ProcessAsync("diabetes/full.csv"));
        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/full.report.json"));
        var last = await processor.ProcessAsync("diabetes/full.csv");

        Assert.Equal(BatchOutcomeKind.Completed, last.Kind);
        Assert.Equal(3, Store.FailedUploads);
        var report = await ReadReportAsync("diabetes/full.report.json");
        Assert.Equal(BatchStatus.Failed, report.Status);
        Assert.Equal(input.ETag, report.Input.ETag);
        Assert.Equal("gave up after 3 attempts that ended in a storage fault; the last: IOException: No space left on device : 'batch-out/diabetes/full.scored.csv' (injected)", report.Reason);
        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/full.scored.csv"));
        Assert.Equal(BatchOutcomeKind.AlreadyDone, (await processor.ProcessAsync("diabetes/full.csv")).Kind);
        Assert.Equal(3, Store.FailedUploads);

        Store.FailUpload = null;
        var changed = await Store.UploadAsync("batch-in", "diabetes/full.csv", holdout);
        var fresh = await processor.ProcessAsync("diabetes/full.csv");
        Assert.Equal((BatchStatus.Succeeded, changed.ETag), (fresh.Report!.Status, fresh.Report.Input.ETag));
    }

    [Fact]
    public async Task ReportCannotBeWrittenWhenGivingUp_LaterCallWritesOnlyTheReport()
    {
        var processor = await CreateProcessorAsync(new BatchOptions { MaxAttempts = 1 });
        await Store.UploadAsync("batch-in", "diabetes/stuck.csv", File.ReadAllBytes(BatchTestModels.DataFile("diabetes", "holdout.csv")));
        Store.FailUpload = (container, name) => container == "batch-out" && !name.Contains("/.claims/", StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => processor.ProcessAsync("diabetes/stuck.csv"));
        var failedWrites = Store.FailedUploads;

        Store.FailUpload = null;
        Store.TriggerBytes = 0;
        Store.OnInputRead = () => throw new InvalidOperationException("the input was read again");
        var outcome = await processor.ProcessAsync("diabetes/stuck.csv");

        Assert.Equal(2, failedWrites); // scored.csv (the attempt; errors.csv is then cancelled), report.json (giving up)
        Assert.Equal(BatchStatus.Failed, outcome.Report!.Status);
        Assert.Equal("gave up after 1 attempt that ended in a storage fault; the last: IOException: No space left on device : 'batch-out/diabetes/stuck.scored.csv' (injected)", outcome.Report.Reason);
        Assert.Equal(BatchStatus.Failed, (await ReadReportAsync("diabetes/stuck.report.json")).Status);
    }

    [Theory]
    [InlineData("gone", BatchOutcomeKind.Completed)]
    [InlineData("", BatchOutcomeKind.Completed)]
    [InlineData("live-elsewhere", BatchOutcomeKind.ClaimedElsewhere)]
    [InlineData("other-machine", BatchOutcomeKind.ClaimedElsewhere)]
    public async Task FreshClaim_TakenOverAtOnceOnlyWhenItsOwnerIsProvablyGone(string owner, BatchOutcomeKind expected)
    {
        var processor = await CreateProcessorAsync();
        var input = await Store.UploadAsync("batch-in", "diabetes/c.csv", File.ReadAllBytes(BatchTestModels.DataFile("diabetes", "holdout.csv")));
        await Store.CreateContainerIfNotExistsAsync("batch-out");
        var token = LocalProcess.Token.Split('.');
        var holder = owner switch
        {
            "gone" => $"{token[0]}.{token[1]}.1~0123", // this process id with another start time: a process that has ended
            "live-elsewhere" => $"{LocalProcess.Token}~another-processor",
            "other-machine" => $"elsewhere.1.1~0123",
            _ => "",
        };
        await Store.UploadAsync("batch-out", Shipyard.Batch.Internals.BatchClaim.NameFor("diabetes", "c", input.ETag), ReadOnlyMemory<byte>.Empty,
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["status"] = "running", ["owner"] = holder } });

        Assert.Equal(expected, (await processor.ProcessAsync("diabetes/c.csv")).Kind);
    }

    protected async Task AssertScoredRowsAsync(string name, int rows)
    {
        await using var reader = new CsvReader(await Store.OpenReadAsync("batch-out", name));
        var count = 0;
        while (await reader.ReadAsync())
        {
            count++;
        }

        Assert.Equal(rows + 1, count);
    }

    protected async Task<BlobBatchProcessor> CreateProcessorAsync(BatchOptions? options = null)
    {
        var registry = new ModelRegistry(Store, Options.Create(new ShipyardOptions { ModelsPath = RepoPaths.Models, RegistryPollInterval = TimeSpan.Zero }));
        _disposables.Add(registry);
        await registry.StartAsync();
        return new BlobBatchProcessor(Store, registry, new BatchScorer(options), NullLogger<BlobBatchProcessor>.Instance);
    }

    protected async Task<BatchReport> ReadReportAsync(string name) =>
        BatchReport.Parse(await Store.ReadAllBytesAsync("batch-out", name));
}

public sealed class BlobBatchProcessorFileStoreTests : BlobBatchProcessorTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"shipyard-batch-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    protected override IBlobStore CreateStore() => new FileBlobStore(_root);
}

public sealed class BlobBatchProcessorAzuriteTests(AzuriteFixture azurite) : BlobBatchProcessorTests, IClassFixture<AzuriteFixture>
{
    protected override IBlobStore CreateStore() => new AzureBlobStore(StorageConnection.Parse(azurite.ConnectionString));

    [Fact]
    public async Task StorageStopsMidJob_NothingPublished_RetryAfterRestartPublishesOnce()
    {
        var processor = await CreateProcessorAsync();
        const int rows = 150_000;
        var input = new MemoryStream();
        await new GeneratedCsvStream(rows).CopyToAsync(input);
        await Store.UploadAsync("batch-in", "diabetes/outage.csv", input.ToArray());
        Store.TriggerBytes = input.Length / 2;
        Store.OnInputRead = () => azurite.StopAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => processor.ProcessAsync("diabetes/outage.csv"));

        Store.OnInputRead = null;
        await azurite.StartAsync();
        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/outage.scored.csv"));
        Assert.Null(await Store.GetPropertiesAsync("batch-out", "diabetes/outage.report.json"));

        var retry = await processor.ProcessAsync("diabetes/outage.csv");
        Assert.Equal(BatchOutcomeKind.Completed, retry.Kind);
        Assert.Equal(rows, retry.Report!.Rows.Scored);
        await AssertScoredRowsAsync("diabetes/outage.scored.csv", rows);
    }
}
