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
}
