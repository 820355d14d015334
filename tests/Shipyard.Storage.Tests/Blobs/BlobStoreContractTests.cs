using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Shipyard.Storage.Tests.Blobs;

/// <summary>
/// The behaviour every <see cref="IBlobStore"/> must have; each implementation's test class derives from this and
/// supplies the store. Same cases, same expectations.
/// </summary>
public abstract class BlobStoreContractTests
{
    protected abstract IBlobStore Store { get; }

    protected static string NewContainerName() => "c" + Guid.NewGuid().ToString("N")[..20];

    protected async Task<string> NewContainerAsync()
    {
        var name = NewContainerName();
        Assert.True(await Store.CreateContainerIfNotExistsAsync(name));
        return name;
    }

    [Fact]
    public async Task CreateContainerIfNotExists_Twice_ReportsCreatedOnlyTheFirstTime()
    {
        var name = NewContainerName();

        Assert.True(await Store.CreateContainerIfNotExistsAsync(name));
        Assert.False(await Store.CreateContainerIfNotExistsAsync(name));
    }

    [Fact]
    public async Task Upload_Small_RoundTripsContentTypeMetadataAndLength()
    {
        var container = await NewContainerAsync();
        var options = new BlobUploadOptions
        {
            ContentType = "application/json",
            Metadata = new Dictionary<string, string> { ["model"] = "iris", ["rows"] = "42" },
        };

        var written = await Store.UploadTextAsync(container, "models/iris/1/model.json", """{"name":"iris"}""", options);
        var properties = await Store.GetPropertiesAsync(container, "models/iris/1/model.json");

        Assert.NotNull(properties);
        Assert.Equal(15, properties.Length);
        Assert.Equal(written.ETag, properties.ETag);
        Assert.Equal("application/json", properties.ContentType);
        Assert.Equal("iris", properties.Metadata["model"]);
        Assert.Equal("42", properties.Metadata["ROWS"]);
        Assert.InRange(properties.LastModified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("""{"name":"iris"}""", await Store.ReadAllTextAsync(container, "models/iris/1/model.json"));
    }

    [Fact]
    public async Task Upload_EmptyStream_CreatesEmptyBlob()
    {
        var container = await NewContainerAsync();

        await Store.UploadAsync(container, "empty", Stream.Null);

        Assert.Equal(0, (await Store.GetPropertiesAsync(container, "empty"))!.Length);
        Assert.Empty(await Store.ReadAllBytesAsync(container, "empty"));
    }

    [Fact]
    public async Task Upload_UnknownLengthStreamLargerThanBlock_IsStoredInBlocksAndReadsBackIdentically()
    {
        var container = await NewContainerAsync();
        var data = RandomNumberGenerator.GetBytes((5 * 64 * 1024) + 123);

        var written = await Store.UploadAsync(container, "big.bin", new NonSeekableStream(data), new BlobUploadOptions { BlockSize = 64 * 1024, MaxConcurrency = 3 });

        Assert.Equal(data.Length, written.Length);
        Assert.Equal(data, await Store.ReadAllBytesAsync(container, "big.bin"));
        Assert.Equal(written.ETag, (await Store.GetPropertiesAsync(container, "big.bin"))!.ETag);
    }

    [Fact]
    public async Task Upload_ExactlyOneBlock_RoundTrips()
    {
        var container = await NewContainerAsync();
        var data = RandomNumberGenerator.GetBytes(64 * 1024);

        await Store.UploadAsync(container, "one-block", new NonSeekableStream(data), new BlobUploadOptions { BlockSize = 64 * 1024 });

        Assert.Equal(data, await Store.ReadAllBytesAsync(container, "one-block"));
    }

    [Fact]
    public async Task Upload_Overwrite_ChangesETagAndContent()
    {
        var container = await NewContainerAsync();
        var first = await Store.UploadTextAsync(container, "routing.json", "one");

        var second = await Store.UploadTextAsync(container, "routing.json", "one");

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(second.ETag, (await Store.GetPropertiesAsync(container, "routing.json"))!.ETag);
    }

    [Fact]
    public async Task OpenRead_Range_ReturnsOnlyThoseBytes()
    {
        var container = await NewContainerAsync();
        var data = Encoding.ASCII.GetBytes("0123456789abcdef");
        await Store.UploadAsync(container, "r", data);

        await using var middle = await Store.OpenReadAsync(container, "r", new BlobReadOptions { Offset = 3, Length = 5 });
        await using var tail = await Store.OpenReadAsync(container, "r", new BlobReadOptions { Offset = 10, Length = 100 });

        Assert.Equal(5, middle.Length);
        Assert.Equal("34567", await new StreamReader(middle).ReadToEndAsync());
        Assert.Equal("abcdef", await new StreamReader(tail).ReadToEndAsync());
        Assert.Equal(16, tail.Properties.Length);
    }

    [Fact]
    public async Task OpenRead_OffsetPastEnd_ThrowsArgumentOutOfRange()
    {
        var container = await NewContainerAsync();
        await Store.UploadTextAsync(container, "r", "abc");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(container, "r", new BlobReadOptions { Offset = 3 }));
    }

    [Fact]
    public async Task OpenRead_IfMatchStale_ThrowsConditionFailed()
    {
        var container = await NewContainerAsync();
        var old = await Store.UploadTextAsync(container, "r", "v1");
        await Store.UploadTextAsync(container, "r", "v2");

        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.OpenReadAsync(container, "r", new BlobReadOptions { IfMatch = old.ETag }));
    }

    [Fact]
    public async Task Missing_BlobAndContainer_AreNullPropertiesOrNotFound()
    {
        var container = await NewContainerAsync();
        var missingContainer = NewContainerName();

        Assert.Null(await Store.GetPropertiesAsync(container, "nope"));
        Assert.Null(await Store.GetPropertiesAsync(missingContainer, "nope"));
        var blob = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(container, "nope"));
        Assert.Equal("nope", blob.Name);
        Assert.Equal("BlobNotFound", blob.ErrorCode);
        var noContainer = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.UploadTextAsync(missingContainer, "x", "y"));
        Assert.Null(noContainer.Name);
        Assert.Equal("ContainerNotFound", noContainer.ErrorCode);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ListPageAsync(missingContainer));
    }

    [Fact]
    public async Task ListPage_PagesInOrdinalOrderWithinPrefix()
    {
        var container = await NewContainerAsync();
        var names = Enumerable.Range(0, 23).Select(i => $"logs/m/{i:D3}.jsonl").ToList();
        await Parallel.ForEachAsync(names, async (name, ct) => await Store.UploadTextAsync(container, name, name, cancellationToken: ct));
        await Store.UploadTextAsync(container, "logs-other.txt", "x");
        await Store.UploadTextAsync(container, "other/logs/m/1", "x");

        var seen = new List<string>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await Store.ListPageAsync(container, "logs/m/", marker, pageSize: 10);
            Assert.True(page.Blobs.Count <= 10);
            seen.AddRange(page.Blobs.Select(b => b.Name));
            marker = page.NextMarker;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(names, seen);
        Assert.Equal(3, pages);
        var all = await Store.ListAsync(container).Select(b => b.Name).ToListAsync();
        Assert.Equal(25, all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(["logs-other.txt", .. names], await Store.ListAsync(container, "logs").Select(b => b.Name).ToListAsync());
    }

    [Fact]
    public async Task List_ItemsCarryProperties()
    {
        var container = await NewContainerAsync();
        var written = await Store.UploadTextAsync(container, "a/b.csv", "x,y\n", new BlobUploadOptions { ContentType = "text/csv", Metadata = new Dictionary<string, string> { ["source"] = "batch" } });

        var item = Assert.Single(await Store.ListAsync(container, "a/").ToListAsync());

        Assert.Equal(written.ETag, item.ETag);
        Assert.Equal(4, item.Length);
        Assert.Equal("text/csv", item.ContentType);
        Assert.Equal("batch", item.Metadata["source"]);
    }

    [Fact]
    public async Task List_PrefixWithNoMatches_IsEmpty()
    {
        var container = await NewContainerAsync();
        await Store.UploadTextAsync(container, "a/b", "x");

        var page = await Store.ListPageAsync(container, "zzz/");

        Assert.Empty(page.Blobs);
        Assert.Null(page.NextMarker);
    }

    [Fact]
    public async Task Delete_ExistingThenMissing()
    {
        var container = await NewContainerAsync();
        await Store.UploadTextAsync(container, "d", "x");

        Assert.True(await Store.DeleteIfExistsAsync(container, "d"));
        Assert.False(await Store.DeleteIfExistsAsync(container, "d"));
        Assert.Null(await Store.GetPropertiesAsync(container, "d"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.DeleteAsync(container, "d"));
    }

    [Fact]
    public async Task Delete_IfMatchStale_ThrowsAndKeepsBlob()
    {
        var container = await NewContainerAsync();
        var old = await Store.UploadTextAsync(container, "d", "v1");
        await Store.UploadTextAsync(container, "d", "v2");

        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.DeleteIfExistsAsync(container, "d", BlobConditions.IfETagMatches(old.ETag)));

        Assert.Equal("v2", await Store.ReadAllTextAsync(container, "d"));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(300 * 1024)]
    public async Task Upload_IfNotExists_SecondWriteFailsAndKeepsFirstContent(int size)
    {
        var container = await NewContainerAsync();
        var first = RandomNumberGenerator.GetBytes(size);
        var options = new BlobUploadOptions { Conditions = BlobConditions.IfNotExists, BlockSize = 64 * 1024 };
        await Store.UploadAsync(container, "once", new NonSeekableStream(first), options);

        var ex = await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.UploadAsync(container, "once", new NonSeekableStream(RandomNumberGenerator.GetBytes(size)), options));

        Assert.Equal("once", ex.Name);
        Assert.Contains("If-None-Match: *", ex.Message, StringComparison.Ordinal);
        Assert.Equal(first, await Store.ReadAllBytesAsync(container, "once"));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(300 * 1024)]
    public async Task Upload_IfMatch_SucceedsWithCurrentETagAndFailsWithStaleOne(int size)
    {
        var container = await NewContainerAsync();
        var v1 = await Store.UploadTextAsync(container, "routing.json", "v1");
        var v2 = await Store.UploadAsync(container, "routing.json", RandomNumberGenerator.GetBytes(size), new BlobUploadOptions { Conditions = BlobConditions.IfETagMatches(v1.ETag), BlockSize = 64 * 1024 });

        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.UploadAsync(container, "routing.json", new NonSeekableStream(RandomNumberGenerator.GetBytes(size)), new BlobUploadOptions { Conditions = BlobConditions.IfETagMatches(v1.ETag), BlockSize = 64 * 1024 }));

        Assert.Equal(v2.ETag, (await Store.GetPropertiesAsync(container, "routing.json"))!.ETag);
    }

    [Fact]
    public async Task Upload_IfMatchOnMissingBlob_Fails()
    {
        var container = await NewContainerAsync();

        await Assert.ThrowsAsync<BlobConditionFailedException>(() => Store.UploadTextAsync(container, "ghost", "x", new BlobUploadOptions { Conditions = BlobConditions.IfETagMatches("\"0x1\"") }));

        Assert.Null(await Store.GetPropertiesAsync(container, "ghost"));
    }

    [Fact]
    public async Task Upload_ConcurrentCreateOnly_ExactlyOneWins()
    {
        var container = await NewContainerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await Store.UploadTextAsync(container, "lease", $"writer {i}", new BlobUploadOptions { Conditions = BlobConditions.IfNotExists });
                return true;
            }
            catch (BlobConditionFailedException)
            {
                return false;
            }
        }));

        Assert.Equal(1, results.Count(won => won));
        Assert.Equal($"writer {Array.IndexOf(results, true)}", await Store.ReadAllTextAsync(container, "lease"));
    }

    [Fact]
    public async Task Upload_ConcurrentWritersSameName_LeaveExactlyOneWritersWholeContent()
    {
        var container = await NewContainerAsync();
        const int Size = (3 * 64 * 1024) + 17;

        // Every writer either succeeds or is told that someone else wrote the blob meanwhile (Azure discards the
        // uncommitted blocks of a losing block upload); what remains is one writer's content, whole.
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 12).Select(async i =>
        {
            try
            {
                return await Store.UploadAsync(container, "hot.bin", new NonSeekableStream(Enumerable.Repeat((byte)i, Size).ToArray()), new BlobUploadOptions { BlockSize = 64 * 1024 });
            }
            catch (BlobConditionFailedException)
            {
                return null;
            }
        }));

        Assert.Contains(outcomes, o => o is not null);
        var bytes = await Store.ReadAllBytesAsync(container, "hot.bin");
        Assert.Equal(Size, bytes.Length);
        Assert.All(bytes, b => Assert.Equal(bytes[0], b));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Models")]
    [InlineData("-models")]
    [InlineData("models-")]
    [InlineData("mo--dels")]
    [InlineData("mod_els")]
    [InlineData("")]
    public async Task BadContainerName_ThrowsArgumentExceptionNamingIt(string container)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateContainerIfNotExistsAsync(container));

        Assert.StartsWith($"Invalid container name '{container}': ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("trailing/")]
    [InlineData("dot.")]
    [InlineData("bell\u0007")]
    public async Task BadBlobName_ThrowsArgumentExceptionNamingIt_AndWritesNothing(string name)
    {
        var container = await NewContainerAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.UploadTextAsync(container, name, "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetPropertiesAsync(container, name));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteIfExistsAsync(container, name));

        Assert.StartsWith($"Invalid blob name '{name}': ", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListAsync(container).ToListAsync());
    }

    [Fact]
    public async Task BlobNameTooLong_ThrowsWithTheLimit()
    {
        var container = await NewContainerAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.UploadTextAsync(container, new string('a', 1025), "x"));

        Assert.Contains("at most 1024 characters long (it has 1025)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadMetadataName_ThrowsArgumentException()
    {
        var container = await NewContainerAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.UploadTextAsync(container, "m", "x", new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["not-valid"] = "1" } }));

        Assert.Contains("'not-valid'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_BeforeUpload_ThrowsOperationCanceled()
    {
        var container = await NewContainerAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.UploadAsync(container, "c", new NonSeekableStream(new byte[300 * 1024]), new BlobUploadOptions { BlockSize = 64 * 1024 }, cts.Token));

        Assert.Null(await Store.GetPropertiesAsync(container, "c"));
    }
}
