using System.Text;
using Azure.Storage.Queues;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Queues;

/// <summary>The queue contract against Azurite's queue service through Azure.Storage.Queues, Shared Key from the connection string.</summary>
public sealed class AzureMessageQueueTests(AzuriteFixture azurite) : MessageQueueContractTests, IClassFixture<AzuriteFixture>
{
    private readonly AzureMessageQueue _queue = new(StorageConnection.Parse(azurite.ConnectionString));

    protected override IMessageQueue Queue => _queue;

    [Fact]
    public async Task Send_IsBase64Utf8OnTheWire_AsTheFunctionsHostWritesIt()
    {
        var name = await NewQueueAsync();
        const string Text = """{"id":"7","note":"zwei – ünïcode ✓"}""";

        await Queue.SendAsync(name, Text);

        var raw = Assert.Single((await RawClient(name).PeekMessagesAsync()).Value);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(Text)), raw.Body.ToString());
    }

    [Fact]
    public async Task Receive_MessageTheHostWrote_IsDecoded()
    {
        var name = await NewQueueAsync();
        const string Text = """{"id":"8","instances":[{"x":1}]}""";

        // What a Functions output binding (base64 encoding, the host default) puts on the queue.
        await RawClient(name).SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Text)));

        Assert.Equal(Text, Assert.Single(await Queue.ReceiveAsync(name, 1, TimeSpan.FromSeconds(30))).Text);
    }

    [Fact]
    public async Task Receive_MessageNotBase64_MovedAsIsToPoisonQueue_OthersStillDelivered()
    {
        var name = await NewQueueAsync();
        await RawClient(name).SendMessageAsync("plain {not base64}");
        await Queue.SendAsync(name, "good");

        var peeked = await Queue.PeekAsync(name, 32);
        var received = await Queue.ReceiveAsync(name, 32, TimeSpan.FromSeconds(30));

        Assert.Equal(["good"], peeked.Select(m => m.Text));
        Assert.Equal(["good"], received.Select(m => m.Text));
        var poisoned = Assert.Single((await RawClient(name + AzureMessageQueue.PoisonSuffix).PeekMessagesAsync(32)).Value);
        Assert.Equal("plain {not base64}", poisoned.Body.ToString());
        Assert.Equal(1, (await RawClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount); // only "good" (hidden) is left
    }

    private QueueClient RawClient(string name) => new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
}
