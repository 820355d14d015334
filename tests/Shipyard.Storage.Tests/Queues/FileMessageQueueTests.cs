using Xunit;

namespace Shipyard.Storage.Tests.Queues;

public sealed class FileMessageQueueTests : MessageQueueContractTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"shipyard-queue-{Guid.NewGuid():N}");
    private readonly FileMessageQueue _queue;

    public FileMessageQueueTests() => _queue = new FileMessageQueue(_root);

    protected override IMessageQueue Queue => _queue;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Messages_SurviveANewInstance_AndInFlightOnesReappearAfterTimeout()
    {
        var queue = await NewQueueAsync();
        await _queue.SendAsync(queue, "durable");
        var taken = Assert.Single(await _queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(1)));

        var restarted = new FileMessageQueue(_root);
        Assert.Empty(await restarted.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30)));
        await Task.Delay(TimeSpan.FromSeconds(1.3));
        var again = Assert.Single(await restarted.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30)));

        Assert.Equal(taken.MessageId, again.MessageId);
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task StoredText_IsBase64LikeTheFunctionsHost()
    {
        var queue = await NewQueueAsync();
        await _queue.SendAsync(queue, "hello");

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_root, ".queues", queue), "*.json"));

        Assert.Contains("\"aGVsbG8=\"", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredMessages_AreNotDelivered()
    {
        var queue = await NewQueueAsync();
        await _queue.SendAsync(queue, "short-lived", new QueueSendOptions { TimeToLive = TimeSpan.FromSeconds(1) });

        await Task.Delay(TimeSpan.FromSeconds(1.2));

        Assert.Empty(await _queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(5)));
    }
}
