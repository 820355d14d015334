using Microsoft.Extensions.DependencyInjection;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Configuration;

public sealed class StorageFactoryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task NoAzureWebJobsStorage_UsesFileStoreAtDataPath()
    {
        var root = Path.Combine(Path.GetTempPath(), $"shipyard-factory-{Guid.NewGuid():N}");
        try
        {
            var configuration = StorageConnectionTests.Config(("Shipyard:DataPath", root));

            var store = Assert.IsType<FileBlobStore>(StorageFactory.CreateBlobStore(configuration));
            var queue = Assert.IsType<FileMessageQueue>(StorageFactory.CreateMessageQueue(configuration));
            await store.CreateContainerIfNotExistsAsync("models");
            await queue.CreateQueueIfNotExistsAsync("retrain-requests");

            Assert.Equal(root, store.Root);
            Assert.True(Directory.Exists(Path.Combine(root, "models")));
            Assert.True(Directory.Exists(Path.Combine(root, ".queues", "retrain-requests")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void DefaultDataPath_IsDotShipyardUnderTheCurrentDirectory()
    {
        Assert.Equal(Path.GetFullPath("./.shipyard"), StorageFactory.GetDataPath(StorageConnectionTests.Config()));
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=shipyardsa;AccountKey=SECRET*KEY", "Setting AzureWebJobsStorage is not a usable storage connection string: Storage AccountKey is not valid base64.")]
    [InlineData("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001", "Identity-based storage connection AzureWebJobsStorage needs AzureWebJobsStorage__accountName or AzureWebJobsStorage__blobServiceUri (found only: AzureWebJobsStorage__clientId).")]
    [InlineData("AzureWebJobsStorage:blobServiceUri", "https://shipyardsa.blob.core.windows.net", "Identity-based storage connection AzureWebJobsStorage has a blob endpoint but no queue endpoint; set AzureWebJobsStorage__queueServiceUri (or AzureWebJobsStorage__accountName).")]
    public void AddShipyardStorage_BadSettings_FailAtRegistrationNamingTheSetting(string key, string value, string expected)
    {
        var services = new ServiceCollection();

        // At registration, i.e. when the app starts, not at its first storage request.
        var ex = Assert.Throws<ArgumentException>(() => services.AddShipyardStorage(StorageConnectionTests.Config((key, value))));

        Assert.Equal(expected, ex.Message);
        Assert.DoesNotContain("SECRET", ex.ToString(), StringComparison.Ordinal);
        Assert.Empty(services);
    }

    [Fact]
    public void Describe_NamesTheStoreWithoutTheKey()
    {
        var azure = StorageFactory.Select(StorageConnectionTests.Config(("AzureWebJobsStorage", azurite.ConnectionString))).Description;
        var identity = StorageFactory.Select(StorageConnectionTests.Config(("AzureWebJobsStorage:accountName", "shipyardsa"))).Description;
        var files = StorageFactory.Select(StorageConnectionTests.Config(("Shipyard:DataPath", "/tmp/x"))).Description;

        Assert.Equal($"Azure Blob storage {azurite.BlobEndpoint} (shared key)", azure);
        Assert.Equal("Azure Blob storage https://shipyardsa.blob.core.windows.net/ (Microsoft Entra ID)", identity);
        Assert.Equal("file store /tmp/x", files);
    }

    [Fact]
    public async Task AddShipyardStorage_WithConnectionString_ResolvesAzureClientsThatWork()
    {
        var services = new ServiceCollection()
            .AddShipyardStorage(StorageConnectionTests.Config(("AzureWebJobsStorage", azurite.ConnectionString)))
            .BuildServiceProvider();

        var store = Assert.IsType<AzureBlobStore>(services.GetRequiredService<IBlobStore>());
        var queue = Assert.IsType<AzureMessageQueue>(services.GetRequiredService<IMessageQueue>());
        Assert.Same(store, services.GetRequiredService<IBlobStore>());
        Assert.Equal(azurite.BlobEndpoint, store.Endpoint);
        Assert.Equal(azurite.QueueEndpoint, queue.Endpoint);
        await store.CreateContainerIfNotExistsAsync("models");
        await store.UploadTextAsync("models", "iris/routing.json", """{"production":"1"}""");
        await queue.CreateQueueIfNotExistsAsync("score-requests");
        await queue.SendAsync("score-requests", "{}");
        Assert.Equal("""{"production":"1"}""", await store.ReadAllTextAsync("models", "iris/routing.json"));
        Assert.Single(await queue.PeekAsync("score-requests"));
    }

    [Fact]
    public void AddShipyardStorage_ReadsTheSettingsOnce_BlobStoreAndQueueShareOneSelection()
    {
        var configuration = StorageConnectionTests.Config(("AzureWebJobsStorage:accountName", "shipyardsa"));
        var services = new ServiceCollection().AddShipyardStorage(configuration).BuildServiceProvider();

        // Settings changed after start are not re-read: the stores come from the selection made at registration (one
        // parse, one credential), so a later change can neither swap the store nor fail the first request.
        configuration["AzureWebJobsStorage:accountName"] = "Not_An_Account";
        var storage = services.GetRequiredService<SelectedStorage>();
        var store = Assert.IsType<AzureBlobStore>(services.GetRequiredService<IBlobStore>());
        var queue = Assert.IsType<AzureMessageQueue>(services.GetRequiredService<IMessageQueue>());

        Assert.Equal(new Uri("https://shipyardsa.blob.core.windows.net"), store.Endpoint);
        Assert.Equal(new Uri("https://shipyardsa.queue.core.windows.net"), queue.Endpoint);
        Assert.IsType<Azure.Identity.DefaultAzureCredential>(storage.Connection!.Credential);
        Assert.Throws<ArgumentException>(() => StorageFactory.Select(configuration)); // a fresh read would refuse it
    }
}
