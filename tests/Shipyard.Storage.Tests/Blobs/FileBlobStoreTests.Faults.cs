using System.Text;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Blobs;

/// <summary>Crashes and full disks: what the file store leaves behind and what readers see.</summary>
public sealed partial class FileBlobStoreTests
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    [Fact]
    public void Construct_RemovesTempFilesOfGoneWritersAndOldOnes_KeepsWritesInProgress_LogsCountAndBytes()
    {
        var root = Path.Combine(_root, "crashed");
        var temp = Directory.CreateDirectory(Path.Combine(root, ".tmp")).FullName;
        var parts = LocalProcess.Token.Split('.');
        var gone = $"{parts[0]}.{parts[1]}.1"; // this process id with another start time: a process that has ended
        File.WriteAllBytes(Path.Combine(temp, $"{gone}.a"), new byte[45_000]);
        File.WriteAllBytes(Path.Combine(temp, $"{gone}.b"), []);
        File.WriteAllBytes(Path.Combine(temp, "0123456789abcdef"), new byte[7]); // no writer token, written 2 hours ago
        File.SetLastWriteTimeUtc(Path.Combine(temp, "0123456789abcdef"), DateTime.UtcNow.AddHours(-2));
        File.WriteAllBytes(Path.Combine(temp, "fedcba9876543210"), new byte[5]); // no writer token, fresh
        File.WriteAllBytes(Path.Combine(temp, $"{LocalProcess.Token}.c"), new byte[3]); // this live process, fresh
        using var inProgress = new FileStream(Path.Combine(temp, $"{gone}.d"), FileMode.CreateNew, FileAccess.Write, FileShare.Delete);
        var logger = new ListLogger<FileBlobStore>();

        _ = new FileBlobStore(root, logger: logger);

        Assert.Equal(["fedcba9876543210", $"{gone}.d", $"{LocalProcess.Token}.c"], Directory.GetFiles(temp).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal($"Removed 3 stale temporary files (45007 bytes) left by interrupted writes in {temp}", Assert.Single(logger.Messages));
    }

    [Fact]
    public void Construct_NothingStale_LogsNothing()
    {
        var logger = new ListLogger<FileBlobStore>();
        _ = new FileBlobStore(_root, logger: logger);
        Assert.Empty(logger.Messages);
    }

    [Fact]
    public async Task Upload_KeepsOneSidecarPerBlob_AndDeleteRemovesIt()
    {
        var container = await NewContainerAsync();
        for (var i = 0; i < 3; i++)
        {
            await _store.UploadTextAsync(container, "dir/b", new string('x', i), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["n"] = $"{i}" } });
        }

        var meta = Path.Combine(_root, ".meta", container, "dir");
        Assert.Single(Directory.GetFiles(meta));
        Assert.Equal("2", (await _store.GetPropertiesAsync(container, "dir/b"))!.Metadata["n"]);
        Assert.Equal(1, FileStoreAssert.Consistent(_root));

        await _store.DeleteIfExistsAsync(container, "dir/b");

        Assert.Empty(Directory.GetFiles(meta));
    }

    [Fact]
    public async Task ContentChangedByHand_HasNoneOfTheOldVersionsMetadata()
    {
        var container = await NewContainerAsync();
        var written = await _store.UploadTextAsync(container, "c", "stored", new BlobUploadOptions { ContentType = "text/plain", Metadata = new Dictionary<string, string> { ["owner"] = "w1" } });

        await File.WriteAllTextAsync(Path.Combine(_root, container, "c"), "edited by hand");
        var read = await _store.GetPropertiesAsync(container, "c");

        Assert.NotEqual(written.ETag, read!.ETag);
        Assert.Equal(NoMetadata, read.Metadata);
        Assert.Equal("application/octet-stream", read.ContentType);
        Assert.Equal(14, read.Length);
    }

    [Fact]
    public async Task SidecarOfEarlierLayout_IsStillRead()
    {
        var container = await NewContainerAsync();
        var content = Path.Combine(_root, container, "old");
        await File.WriteAllTextAsync(content, "abc");
        var ticks = File.GetLastWriteTimeUtc(content).Ticks;
        Directory.CreateDirectory(Path.Combine(_root, ".meta", container));
        await File.WriteAllTextAsync(Path.Combine(_root, ".meta", container, "old.json"),
            $$"""{"eTag":"\"legacy\"","contentType":"text/csv","metadata":{"model_version":"2"},"length":3,"contentTicks":{{ticks}},"lastModified":"2026-11-01T00:00:00+00:00"}""");

        var read = await _store.GetPropertiesAsync(container, "old");

        Assert.Equal("\"legacy\"", read!.ETag);
        Assert.Equal("2", read.Metadata["model_version"]);
    }

    [Fact]
    public async Task Upload_DiskFillsUp_EveryWriteCommitsWhollyOrNotAtAll()
    {
        using var disk = SmallDisk.Mount(1 << 20);
        var root = Path.Combine(disk.Path, "store");
        var store = new FileBlobStore(root);
        await store.CreateContainerIfNotExistsAsync("full");
        var keep = await store.UploadTextAsync("full", "keep", "v0", new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["n"] = "keep" } });
        disk.FillLeaving(40 * 1024);
        var failures = new List<string>();
        var written = 0;

        // From "fits with its sidecar" through "content fits, sidecar does not" to "content does not fit".
        for (var size = 0; size <= 48 * 1024; size += 1024)
        {
            await store.DeleteIfExistsAsync("full", "b");
            var metadata = new Dictionary<string, string> { ["n"] = $"{size}" };
            try
            {
                await store.UploadAsync("full", "b", new NonSeekableStream(new byte[size]), new BlobUploadOptions { Metadata = metadata });
                written++;
                var read = await store.GetPropertiesAsync("full", "b");
                Assert.Equal((size, $"{size}"), (read!.Length, read.Metadata["n"]));
            }
            catch (IOException e)
            {
                failures.Add(e.Message);
                Assert.Null(await store.GetPropertiesAsync("full", "b"));
            }

            FileStoreAssert.Consistent(root);
            Assert.DoesNotContain((await store.ListPageAsync("full")).Blobs, b => !b.Metadata.ContainsKey("n"));
        }

        // A replace that does not fit leaves the old version, content and metadata, in place.
        await Assert.ThrowsAsync<IOException>(() => store.UploadAsync("full", "keep", new NonSeekableStream(new byte[64 * 1024]), new BlobUploadOptions { Metadata = NoMetadata }));
        var kept = await store.GetPropertiesAsync("full", "keep");
        Assert.Equal((keep.ETag, "keep"), (kept!.ETag, kept.Metadata["n"]));
        Assert.Equal("v0", await store.ReadAllTextAsync("full", "keep"));
        FileStoreAssert.Consistent(root);

        Assert.InRange(written, 5, 40);
        Assert.All(failures, m => Assert.Contains("No space left on device", m, StringComparison.Ordinal));
        Assert.Contains(failures, m => m.Contains($"{Path.DirectorySeparatorChar}.tmp{Path.DirectorySeparatorChar}", StringComparison.Ordinal)); // the content did not fit
        Assert.Contains(failures, m => m.Contains($"{Path.DirectorySeparatorChar}.meta{Path.DirectorySeparatorChar}", StringComparison.Ordinal)); // the content fit, its sidecar did not
    }
}
