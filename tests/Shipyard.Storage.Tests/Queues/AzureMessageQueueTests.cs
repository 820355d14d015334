using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Queues;

/// <summary>The queue contract against Azurite's queue service, Shared Key from the connection string.</summary>
public sealed class AzureMessageQueueTests(AzuriteFixture azurite) : MessageQueueContractTests, IClassFixture<AzuriteFixture>
{
    private readonly AzureMessageQueue _queue = new(StorageConnection.Parse(azurite.ConnectionString));

    protected override IMessageQueue Queue => _queue;
}
