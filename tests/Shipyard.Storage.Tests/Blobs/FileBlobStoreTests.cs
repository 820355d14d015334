using Xunit;

namespace Shipyard.Storage.Tests.Blobs;

public sealed partial class FileBlobStoreTests : BlobStoreContractTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"shipyard-files-{Guid.NewGuid():N}");
    private readonly FileBlobStore _store;

    public FileBlobStoreTests() => _store = new FileBlobStore(_root);

    protected override IBlobStore Store => _store;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Upload_WritesPlainFileUnderContainerFolder_AndLeavesNoTempFiles()
    {
        var container = await NewContainerAsync();

        await _store.UploadTextAsync(container, "batch-in/iris/rows.csv", "a,b\n");

        Assert.Equal("a,b\n", await File.ReadAllTextAsync(Path.Combine(_root, container, "batch-in", "iris", "rows.csv")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".tmp")));
    }

    [Fact]
    public async Task FileDroppedByHand_IsABlobWithDerivedETagThatChangesWhenRewritten()
    {
        var container = await NewContainerAsync();
        var path = Path.Combine(_root, container, "dropped.csv");
        await File.WriteAllTextAsync(path, "x\n1\n");

        var before = await _store.GetPropertiesAsync(container, "dropped.csv");
        await File.WriteAllTextAsync(path, "x\n1\n2\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        var after = await _store.GetPropertiesAsync(container, "dropped.csv");

        Assert.NotNull(before);
        Assert.Equal("application/octet-stream", before.ContentType);
        Assert.NotEqual(before.ETag, after!.ETag);
        Assert.Equal(6, after.Length);
    }

    [Fact]
    public async Task OpenRead_ThenOverwrite_KeepsReadingTheOpenedVersion()
    {
        var container = await NewContainerAsync();
        await _store.UploadTextAsync(container, "v", new string('1', 100_000));

        await using var reader = await _store.OpenReadAsync(container, "v");
        var first = new byte[10];
        await reader.ReadExactlyAsync(first);
        await _store.UploadTextAsync(container, "v", new string('2', 50));
        var rest = await new StreamReader(reader).ReadToEndAsync();

        Assert.Equal(99_990, rest.Length);
        Assert.All(rest, c => Assert.Equal('1', c));
    }

    [Fact]
    public async Task ManyWritersWithLargeContent_NeverTearTheFile()
    {
        var container = await NewContainerAsync();
        const int Size = 2 * 1024 * 1024;
        using var stop = new CancellationTokenSource();
        var torn = 0;
        var reads = 0;

        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await _store.GetPropertiesAsync(container, "model.onnx") is null)
                {
                    continue;
                }

                var bytes = await _store.ReadAllBytesAsync(container, "model.onnx");
                reads++;
                if (bytes.Length != Size || bytes.Any(b => b != bytes[0]))
                {
                    Interlocked.Increment(ref torn);
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(1, 24).Select(i => Task.Run(() =>
            _store.UploadAsync(container, "model.onnx", new NonSeekableStream(Enumerable.Repeat((byte)i, Size).ToArray())))));
        await stop.CancelAsync();
        await reader;

        Assert.Equal(0, torn);
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task NameUsedAsBlobAndFolder_FailsWithClearIOException()
    {
        var container = await NewContainerAsync();
        await _store.UploadTextAsync(container, "a/b", "x");

        var ex = await Assert.ThrowsAsync<IOException>(() => _store.UploadTextAsync(container, "a", "y"));

        Assert.Contains("already used as a folder", ex.Message, StringComparison.Ordinal);
    }
}
