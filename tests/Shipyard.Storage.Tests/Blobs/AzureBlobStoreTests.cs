using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Blobs;

/// <summary>The shared contract against a real Azurite, Azure.Storage.Blobs signing with Shared Key from a connection string.</summary>
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : BlobStoreContractTests, IClassFixture<AzuriteFixture>
{
    private readonly AzureBlobStore _store = new(StorageConnection.Parse(azurite.ConnectionString));

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task SharedKey_WrongKey_IsRejectedByAzuriteWithErrorCode()
    {
        var wrong = StorageConnection.ForSharedKey(AzuriteFixture.AccountName, Convert.ToBase64String(new byte[64]), azurite.BlobEndpoint, null);
        var store = new AzureBlobStore(wrong, new StorageClientOptions { MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => store.CreateContainerIfNotExistsAsync(NewContainerName()));

        Assert.Equal(403, ex.Status);
        Assert.Equal("AuthorizationFailure", ex.ErrorCode);
    }
}
