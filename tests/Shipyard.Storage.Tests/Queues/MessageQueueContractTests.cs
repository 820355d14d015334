using Xunit;

namespace Shipyard.Storage.Tests.Queues;

/// <summary>Storage-queue semantics every <see cref="IMessageQueue"/> must have; same cases for files and Azurite.</summary>
public abstract class MessageQueueContractTests
{
    protected abstract IMessageQueue Queue { get; }

    protected static string NewQueueName() => "q" + Guid.NewGuid().ToString("N")[..20];

    protected async Task<string> NewQueueAsync()
    {
        var name = NewQueueName();
        Assert.True(await Queue.CreateQueueIfNotExistsAsync(name));
        return name;
    }

    [Fact]
    public async Task CreateQueueIfNotExists_Twice_ReportsCreatedOnlyOnce()
    {
        var name = NewQueueName();

        Assert.True(await Queue.CreateQueueIfNotExistsAsync(name));
        Assert.False(await Queue.CreateQueueIfNotExistsAsync(name));
    }

    [Fact]
    public async Task SendReceiveDelete_RoundTripsTextInOrder()
    {
        var queue = await NewQueueAsync();
        var sent1 = await Queue.SendAsync(queue, """{"id":"1","model":"iris","instances":[{"x":1}]}""");
        await Queue.SendAsync(queue, "zwei – ünïcode ✓ <xml> & stuff");

        var received = await Queue.ReceiveAsync(queue, 32, TimeSpan.FromSeconds(30));

        Assert.Equal(2, received.Count);
        Assert.Equal(sent1.MessageId, received[0].MessageId);
        Assert.Equal("""{"id":"1","model":"iris","instances":[{"x":1}]}""", received[0].Text);
        Assert.Equal("zwei – ünïcode ✓ <xml> & stuff", received[1].Text);
        Assert.All(received, m => Assert.Equal(1, m.DequeueCount));
        Assert.All(received, m => Assert.True(m.NextVisibleOn > DateTimeOffset.UtcNow.AddSeconds(20)));
        Assert.All(received, m => Assert.InRange(m.InsertedOn, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1)));

        foreach (var message in received)
        {
            await Queue.DeleteAsync(queue, message.MessageId, message.PopReceipt);
        }

        Assert.Empty(await Queue.PeekAsync(queue, 32));
    }

    [Fact]
    public async Task Receive_HidesMessageUntilVisibilityTimeout_ThenRedeliversWithHigherDequeueCount()
    {
        var queue = await NewQueueAsync();
        await Queue.SendAsync(queue, "work");

        var first = Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(1)));
        Assert.Empty(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(1)));
        await Task.Delay(TimeSpan.FromSeconds(1.6));
        var second = Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30)));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);

        // The first consumer lost the message: its receipt no longer deletes it.
        var ex = await Assert.ThrowsAsync<QueueMessageNotFoundException>(() => Queue.DeleteAsync(queue, first.MessageId, first.PopReceipt));
        Assert.Equal(first.MessageId, ex.MessageId);
        await Queue.DeleteAsync(queue, second.MessageId, second.PopReceipt);
    }

    [Fact]
    public async Task Peek_DoesNotHideOrCount()
    {
        var queue = await NewQueueAsync();
        await Queue.SendAsync(queue, "a");

        var peeked = Assert.Single(await Queue.PeekAsync(queue));
        var received = Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30)));

        Assert.Equal("a", peeked.Text);
        Assert.Equal(0, peeked.DequeueCount);
        Assert.Equal(peeked.MessageId, received.MessageId);
        Assert.Empty(await Queue.PeekAsync(queue));
    }

    [Fact]
    public async Task Update_ChangesTextAndVisibility_AndIssuesNewReceipt()
    {
        var queue = await NewQueueAsync();
        await Queue.SendAsync(queue, "v1");
        var message = Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30)));

        var receipt = await Queue.UpdateAsync(queue, message.MessageId, message.PopReceipt, TimeSpan.Zero, "v2");
        var again = Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30)));

        Assert.Equal(message.MessageId, receipt.MessageId);
        Assert.NotEqual(message.PopReceipt, receipt.PopReceipt);
        Assert.Equal("v2", again.Text);
        Assert.Equal(2, again.DequeueCount);
        await Assert.ThrowsAsync<QueueMessageNotFoundException>(() => Queue.UpdateAsync(queue, message.MessageId, message.PopReceipt, TimeSpan.Zero));
    }

    [Fact]
    public async Task Update_ExtendsVisibility_KeepsMessageHidden()
    {
        var queue = await NewQueueAsync();
        await Queue.SendAsync(queue, "long job");
        var message = Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(1)));

        var receipt = await Queue.UpdateAsync(queue, message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(1)));

        // Without new text the message keeps its own.
        await Queue.UpdateAsync(queue, message.MessageId, receipt.PopReceipt, TimeSpan.Zero);
        Assert.Equal("long job", Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30))).Text);
    }

    [Fact]
    public async Task Send_WithVisibilityDelay_IsInvisibleAtFirst()
    {
        var queue = await NewQueueAsync();

        await Queue.SendAsync(queue, "later", new QueueSendOptions { VisibilityDelay = TimeSpan.FromSeconds(30) });

        Assert.Empty(await Queue.PeekAsync(queue));
    }

    [Fact]
    public async Task Receive_MaxMessages_TakesAtMostThatMany()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++)
        {
            await Queue.SendAsync(queue, $"m{i}");
        }

        var first = await Queue.ReceiveAsync(queue, 3, TimeSpan.FromSeconds(30));
        var rest = await Queue.ReceiveAsync(queue, 32, TimeSpan.FromSeconds(30));

        Assert.Equal(3, first.Count);
        Assert.Equal(2, rest.Count);
        Assert.Empty(first.Select(m => m.MessageId).Intersect(rest.Select(m => m.MessageId)));
    }

    [Fact]
    public async Task ConcurrentReceivers_EachMessageDeliveredOnce()
    {
        var queue = await NewQueueAsync();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Queue.SendAsync(queue, $"m{i}")));

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Queue.ReceiveAsync(queue, 8, TimeSpan.FromSeconds(60))));
        var all = batches.SelectMany(b => b).ToList();
        all.AddRange(await Queue.ReceiveAsync(queue, 32, TimeSpan.FromSeconds(60)));

        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task MissingQueue_ThrowsQueueNotFound()
    {
        var name = NewQueueName();

        var ex = await Assert.ThrowsAsync<QueueNotFoundException>(() => Queue.SendAsync(name, "x"));
        await Assert.ThrowsAsync<QueueNotFoundException>(() => Queue.ReceiveAsync(name, 1, TimeSpan.FromSeconds(5)));

        Assert.Equal(name, ex.Queue);
    }

    [Fact]
    public async Task TooLargeMessage_IsRejectedBeforeSending()
    {
        var queue = await NewQueueAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Queue.SendAsync(queue, new string('x', QueueLimits.MaxTextBytes + 1)));

        Assert.Contains("limit is 49152", ex.Message, StringComparison.Ordinal);
        await Queue.SendAsync(queue, new string('x', QueueLimits.MaxTextBytes));
        Assert.Equal(QueueLimits.MaxTextBytes, Assert.Single(await Queue.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(5))).Text.Length);
    }

    [Theory]
    [InlineData("Score-Requests")]
    [InlineData("q")]
    [InlineData("score_requests")]
    public async Task BadQueueName_ThrowsArgumentExceptionNamingIt(string name)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Queue.CreateQueueIfNotExistsAsync(name));

        Assert.StartsWith($"Invalid queue name '{name}': ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfRangeArguments_AreRejected()
    {
        var queue = await NewQueueAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queue.ReceiveAsync(queue, 33, TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queue.ReceiveAsync(queue, 1, TimeSpan.FromDays(8)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queue.PeekAsync(queue, 0));
    }
}
