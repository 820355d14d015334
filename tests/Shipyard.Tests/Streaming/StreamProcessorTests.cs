using System.Text.Json;
using Shipyard.Models;
using Shipyard.Streaming;
using Shipyard.Tests.Models;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Streaming;

/// <summary>
/// One delivery end to end through the core (parse, dedupe, score with ORT, send, mark done) on the file store and file
/// queue; the Azurite variant (<see cref="StreamProcessorAzuriteTests"/>) runs the same cases on the real queue and blob
/// services. Standalone mode unless a test says "host".
/// </summary>
public class StreamProcessorTests
{
    private protected virtual AzuriteFixture? Azurite => null;

    private Task<StreamWorld> StartAsync(StreamOptions? options = null, TimeProvider? time = null, bool startRegistry = true) =>
        StreamWorld.StartAsync(Azurite, options, time, startRegistry: startRegistry);

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}";

    [Fact]
    public async Task DuplicateIdDeliveredTwice_OneResult_SecondSkipped()
    {
        await using var world = await StartAsync();
        var samples = SampleData.Load("diabetes", "1");
        var id = Id("dup");
        var text = StreamWorld.Message(id, "diabetes", samples.Instances(0, 3));

        var first = await world.Processor.ProcessAsync(text, "queue-msg-a", hostWritesDefaultOutput: false);
        var second = await world.Processor.ProcessAsync(text, "queue-msg-b", hostWritesDefaultOutput: false);

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Null(second.PendingDefaultOutput);
        Assert.Equal(first.Result!.Text, second.Result!.Text);
        var result = Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue));
        StreamAssert.Scored(result.GetRawText(), id, samples, 0, 3);
    }

    [Fact]
    public async Task NewMessage_TwoMarkerWrites_NoMarkerRead()
    {
        // The claim's If-None-Match detects an existing marker, so a new id costs a claim and a completion, no lookup.
        await using var world = await StartAsync();

        await world.Processor.ProcessAsync(StreamWorld.Message(Id("cost"), "diabetes", SampleData.Load("diabetes", "1").Instances(0, 1)), "q-1", false);

        Assert.Equal((2, 0, 0), (world.Markers.Uploads, world.Markers.Reads, world.Markers.PropertyReads));
    }

    [Fact]
    public async Task DuplicateOnAnotherReplica_FoundThroughTheStore_OneResult()
    {
        await using var world = await StartAsync();
        var samples = SampleData.Load("digits", "1");
        var id = Id("replica");
        var text = StreamWorld.Message(id, "digits", samples.Instances(0, 1));
        await world.Processor.ProcessAsync(text, "q-1", false);

        var replica = new StreamProcessor(world.Scorer, new StreamDeduplicator(world.Markers, world.Options), world.Queue, world.Options);
        var outcome = await replica.ProcessAsync(text, "q-2", false);

        Assert.True(outcome.Duplicate);
        StreamAssert.Scored(outcome.Result!.Text, id, samples, 0, 1);
        StreamAssert.Scored(Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue)).GetRawText(), id, samples, 0, 1);
    }

    [Fact]
    public async Task SameIdDifferentContent_FirstAnswerStands()
    {
        await using var world = await StartAsync();
        var samples = SampleData.Load("diabetes", "1");
        var id = Id("reused");

        await world.Processor.ProcessAsync(StreamWorld.Message(id, "diabetes", samples.Instances(0, 1)), "q-1", false);
        var again = await world.Processor.ProcessAsync(StreamWorld.Message(id, "diabetes", samples.Instances(5, 2)), "q-2", false);

        Assert.True(again.Duplicate);
        StreamAssert.Scored(Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue)).GetRawText(), id, samples, 0, 1);
    }

    [Fact]
    public async Task ConcurrentDeliveriesOfOneId_ExactlyOneResult_OthersBusyOrDuplicate()
    {
        await using var world = await StartAsync();
        var samples = SampleData.Load("breast-cancer", "1");
        var id = Id("race");
        var text = StreamWorld.Message(id, "breast-cancer", samples.Instances(0, 1));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                return (await world.Processor.ProcessAsync(text, $"q-{i}", false)).Duplicate ? "duplicate" : "scored";
            }
            catch (StreamMessageBusyException e)
            {
                Assert.Equal(id, e.Id);
                return "busy";
            }
        }));

        Assert.Single(attempts, a => a == "scored");
        Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue));
    }

    [Fact]
    public async Task InvalidMessageWithId_OneErrorResult_RedeliveryOfTheSameIdSkipped()
    {
        await using var world = await StartAsync();
        var id = Id("broken");
        var text = $"{{\"id\":\"{id}\",\"model\":\"diabetes\",\"instances\":{{}}}}";

        var first = await world.Processor.ProcessAsync(text, "q-1", false);
        var second = await world.Processor.ProcessAsync(text, "q-2", false);

        Assert.Equal(StreamResultKind.Rejected, first.Result!.Kind);
        Assert.True(second.Duplicate);
        var result = Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue));
        Assert.Equal([("instances", "expected an array, got an object")], StreamAssert.Error(result.GetRawText(), id, StreamScorer.InvalidMessageType));
    }

    [Fact]
    public async Task MessageWithoutId_ErrorResultEveryTime_CannotBeDeduplicated()
    {
        await using var world = await StartAsync();
        const string text = """{"model":"diabetes","instances":[]}""";

        await world.Processor.ProcessAsync(text, "q-1", false);
        await world.Processor.ProcessAsync(text, "q-1", false);

        var results = await world.DrainAsync(StreamQueues.ResultQueue);
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal([("id", "required property is missing")], StreamAssert.Error(r.GetRawText(), null, StreamScorer.InvalidMessageType)));
    }

    [Fact]
    public async Task ReplyToExistingQueue_ResultThere_NothingOnTheDefaultQueue()
    {
        await using var world = await StartAsync();
        await world.Queue.Inner.CreateQueueIfNotExistsAsync("sensor-results");
        var samples = SampleData.Load("digits", "1");
        var id = Id("reply");

        var outcome = await world.Processor.ProcessAsync(StreamWorld.Message(id, "digits", samples.Instances(3, 2), replyTo: "sensor-results"), "q-1", hostWritesDefaultOutput: true);

        Assert.Null(outcome.PendingDefaultOutput);
        Assert.Equal("sensor-results", outcome.Result!.Queue);
        StreamAssert.Scored(Assert.Single(await world.DrainAsync("sensor-results")).GetRawText(), id, samples, 3, 2);
        Assert.Empty(await world.DrainAsync(StreamQueues.ResultQueue));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReplyToMissingQueue_ErrorResultOnTheDefaultQueue_QueueNotCreated(bool host)
    {
        await using var world = await StartAsync();
        var id = Id("noqueue");

        var outcome = await world.Processor.ProcessAsync(StreamWorld.Message(id, "diabetes", SampleData.Load("diabetes", "1").Instances(0, 1), replyTo: "nobody-listens"), "q-1", host);

        Assert.Equal(StreamResultKind.Rejected, outcome.Result!.Kind);
        Assert.Equal(StreamQueues.ResultQueue, outcome.Result.Queue);
        var text = host ? outcome.PendingDefaultOutput! : Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue)).GetRawText();
        Assert.Equal([("replyTo", "queue 'nobody-listens' does not exist")], StreamAssert.Error(text, id, StreamScorer.InvalidMessageType));
        await Assert.ThrowsAsync<Shipyard.Storage.QueueNotFoundException>(() => world.Queue.Inner.PeekAsync("nobody-listens"));
        if (host)
        {
            Assert.Empty(await world.DrainAsync(StreamQueues.ResultQueue));
        }

        // The error is the final answer for the id: a redelivery does not retry the missing queue.
        var sends = world.Queue.Sends;
        Assert.True((await world.Processor.ProcessAsync(StreamWorld.Message(id, "diabetes", SampleData.Load("diabetes", "1").Instances(0, 1), replyTo: "nobody-listens"), "q-2", host)).Duplicate);
        Assert.Equal(sends, world.Queue.Sends);
    }

    [Fact]
    public async Task Host_DefaultQueueResultReturnedForTheOutputBinding_NotSent()
    {
        await using var world = await StartAsync();
        var samples = SampleData.Load("breast-cancer", "1");
        var id = Id("host");

        var outcome = await world.Processor.ProcessAsync(StreamWorld.Message(id, "breast-cancer", samples.Instances(0, 2)), "q-1", hostWritesDefaultOutput: true);

        StreamAssert.Scored(outcome.PendingDefaultOutput!, id, samples, 0, 2);
        Assert.Equal(0, world.Queue.Sends);
        Assert.Empty(await world.DrainAsync(StreamQueues.ResultQueue));
    }

    [Fact]
    public async Task SendFails_DeliveryFails_RetryOfTheSameDeliveryAnswersOnce()
    {
        await using var world = await StartAsync();
        var samples = SampleData.Load("diabetes", "1");
        var id = Id("fault");
        var text = StreamWorld.Message(id, "diabetes", samples.Instances(0, 1));
        world.Queue.BeforeSend = (_, _) => throw new IOException("connection reset");

        await Assert.ThrowsAsync<IOException>(() => world.Processor.ProcessAsync(text, "q-1", false));
        Assert.Null(await world.Deduplicator.FindAsync(id));

        // While the failed delivery's claim is live, another queue message with the id must wait (busy), not answer.
        world.Queue.BeforeSend = null;
        await Assert.ThrowsAsync<StreamMessageBusyException>(() => world.Processor.ProcessAsync(text, "q-2", false));
        var retry = await world.Processor.ProcessAsync(text, "q-1", false);

        Assert.False(retry.Duplicate);
        StreamAssert.Scored(Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue)).GetRawText(), id, samples, 0, 1);
        Assert.True((await world.Processor.ProcessAsync(text, "q-2", false)).Duplicate);
    }

    [Fact]
    public async Task ModelNotReady_DeliveryFails_NoResult_ScoredOnceReady()
    {
        await using var world = await StartAsync(startRegistry: false);
        var samples = SampleData.Load("digits", "1");
        var id = Id("early");
        var text = StreamWorld.Message(id, "digits", samples.Instances(0, 1));

        await Assert.ThrowsAsync<ModelNotReadyException>(() => world.Processor.ProcessAsync(text, "q-1", false));
        Assert.Empty(await world.DrainAsync(StreamQueues.ResultQueue));

        await world.Models.Registry.StartAsync();
        await world.Processor.ProcessAsync(text, "q-1", false);

        StreamAssert.Scored(Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue)).GetRawText(), id, samples, 0, 1);
    }

    [Fact]
    public async Task ClaimOfACrashedDelivery_TakenOverAfterTwiceTheVisibilityTimeout()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = new StreamOptions { VisibilityTimeout = TimeSpan.FromSeconds(30) };
        await using var world = await StartAsync(options, clock);
        var samples = SampleData.Load("diabetes", "1");
        var id = Id("crashed");
        await world.Deduplicator.TryClaimAsync(id, "q-dead", TimeSpan.FromMinutes(1));
        var text = StreamWorld.Message(id, "diabetes", samples.Instances(0, 1));

        clock.Advance(TimeSpan.FromSeconds(59));
        await Assert.ThrowsAsync<StreamMessageBusyException>(() => world.Processor.ProcessAsync(text, "q-2", false));
        clock.Advance(TimeSpan.FromSeconds(1));
        await world.Processor.ProcessAsync(text, "q-2", false);

        Assert.Single(await world.DrainAsync(StreamQueues.ResultQueue));
    }

    [Fact]
    public async Task AfterTheRetentionWindow_TheSameIdIsScoredAgain()
    {
        // A clock far from the wall clock: the window must be measured with it end to end.
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddDays(-30));
        await using var world = await StartAsync(new StreamOptions { RetentionWindow = TimeSpan.FromDays(1) }, clock);
        var text = StreamWorld.Message(Id("window"), "diabetes", SampleData.Load("diabetes", "1").Instances(0, 1));
        await world.Processor.ProcessAsync(text, "q-1", false);

        clock.Advance(TimeSpan.FromHours(23));
        Assert.True((await world.Processor.ProcessAsync(text, "q-2", false)).Duplicate);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.False((await world.Processor.ProcessAsync(text, "q-3", false)).Duplicate);

        Assert.Equal(2, (await world.DrainAsync(StreamQueues.ResultQueue)).Count);
    }

    [Fact]
    public async Task Processed_MetricCountsOutcomes()
    {
        await using var world = await StartAsync();

        await world.Processor.ProcessAsync(StreamWorld.Message(Id("m"), "diabetes", SampleData.Load("diabetes", "1").Instances(0, 1)), "q-1", false);
        await world.Processor.ProcessAsync("nope", "q-2", false);

        Assert.Equal(2, world.Telemetry.Metrics.Count(m => m.Name == "StreamMessageProcessed"));
    }
}

/// <summary>The processor's cases on Azurite's queue and blob services.</summary>
public sealed class StreamProcessorAzuriteTests(AzuriteFixture azurite) : StreamProcessorTests, IClassFixture<AzuriteFixture>
{
    private protected override AzuriteFixture? Azurite => azurite;
}
