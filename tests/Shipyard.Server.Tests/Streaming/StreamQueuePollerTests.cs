using System.Text.Json;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Streaming;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Streaming;

/// <summary>The standalone poller against Azurite's queue and blob services (and the embedded file queue).</summary>
public sealed class StreamQueuePollerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static string Message(string id, string model, IEnumerable<object> instances, string version = "1") =>
        JsonSerializer.Serialize(new { id, model, version, instances = instances.ToArray() });

    private static async Task PollUntilEmptyAsync(StreamTestApp app)
    {
        for (var i = 0; i < 50 && await app.Poller.PollOnceAsync() > 0; i++)
        {
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EverySampleModel_MessagesIn_ResultsOut_RequestsDeleted(bool useAzurite)
    {
        await using var app = new StreamTestApp(useAzurite ? azurite.ConnectionString : null);
        await app.StartAsync();
        await app.DrainAsync(StreamQueues.ResultQueue);
        var expected = new Dictionary<string, (SampleCases Samples, List<SampleCase> Rows)>();
        foreach (var (model, version) in SampleCases.Packages())
        {
            var samples = SampleCases.Load(model, version);
            var rows = samples.Cases.Take(4).ToList();
            var id = $"{model}-{version}-{useAzurite}-{Guid.NewGuid():N}";
            expected[id] = (samples, rows);
            await app.Queue!.Inner.SendAsync(StreamQueues.RequestQueue, Message(id, model, rows.Select(r => (object)r.Instance), version));
        }

        await PollUntilEmptyAsync(app);

        var results = await app.DrainAsync(StreamQueues.ResultQueue);
        Assert.Equal(expected.Count, results.Count);
        foreach (var result in results)
        {
            var (samples, rows) = expected[result.GetProperty("id").GetString()!];
            Assert.Equal(samples.Model, result.GetProperty("model").GetString());
            for (var i = 0; i < rows.Count; i++)
            {
                PredictionAssert.Equal(rows[i], result.GetProperty("predictions")[i], $"{samples.Model} row {i}");
            }
        }

        Assert.Empty(await app.Queue!.Inner.PeekAsync(StreamQueues.RequestQueue));
    }

    [Fact]
    public async Task InvalidMessage_OneErrorResult_MessageDeleted_NoRetry()
    {
        await using var app = new StreamTestApp(azurite.ConnectionString);
        await app.StartAsync();
        await app.DrainAsync(StreamQueues.ResultQueue);
        await app.Queue!.Inner.SendAsync(StreamQueues.RequestQueue, "{\"id\":\"broken-1\",\"model\":\"diabetes\",\"instances\":{}}");

        Assert.Equal(1, await app.Poller.PollOnceAsync());
        Assert.Equal(0, await app.Poller.PollOnceAsync());

        var result = Assert.Single(await app.DrainAsync(StreamQueues.ResultQueue));
        Assert.Equal("broken-1", result.GetProperty("id").GetString());
        Assert.Equal("instances", result.GetProperty("error").GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Empty(await app.Queue.Inner.PeekAsync(StreamQueues.RequestQueue));
    }

    [Fact]
    public async Task CrashMidMessage_Redelivered_ScoredExactlyOnce()
    {
        await using var app = new StreamTestApp(azurite.ConnectionString);
        await app.StartAsync();
        await app.DrainAsync(StreamQueues.ResultQueue);
        var failures = 0;
        app.Queue!.BeforeSend = (queue, _) =>
        {
            if (queue == StreamQueues.ResultQueue && failures++ < 2)
            {
                throw new IOException("connection reset while sending the result");
            }
        };
        var id = $"crash-{Guid.NewGuid():N}";
        await app.Queue.Inner.SendAsync(StreamQueues.RequestQueue, Message(id, "digits", [SampleCases.Load("digits", "1").Cases[0].Instance]));

        await PollUntilEmptyAsync(app);
        // The same id sent again by the producer is a duplicate within the retention window.
        await app.Queue.Inner.SendAsync(StreamQueues.RequestQueue, Message(id, "digits", [SampleCases.Load("digits", "1").Cases[0].Instance]));
        await PollUntilEmptyAsync(app);

        Assert.Equal(3, failures);
        var result = Assert.Single(await app.DrainAsync(StreamQueues.ResultQueue));
        Assert.Equal(id, result.GetProperty("id").GetString());
        Assert.Empty(await app.Queue.Inner.PeekAsync(StreamQueues.RequestQueue));
        Assert.DoesNotContain(app.Telemetry.Events, e => e.Name == "StreamMessagePoisoned");
    }

    [Fact]
    public async Task FailingEveryTime_MovedToPoisonAfterMaxDequeue_EventEmitted()
    {
        await using var app = new StreamTestApp(azurite.ConnectionString, maxDequeue: 3);
        await app.StartAsync();
        await app.DrainAsync(StreamQueues.PoisonQueue);
        var attempts = 0;
        app.Queue!.BeforeSend = (queue, _) =>
        {
            if (queue == StreamQueues.ResultQueue)
            {
                attempts++;
                throw new IOException("result queue unavailable");
            }
        };
        var text = Message($"poison-{Guid.NewGuid():N}", "diabetes", [SampleCases.Load("diabetes", "1").Cases[0].Instance]);
        await app.Queue.Inner.SendAsync(StreamQueues.RequestQueue, text);

        await PollUntilEmptyAsync(app);

        Assert.Equal(3, attempts);
        Assert.Empty(await app.Queue.Inner.PeekAsync(StreamQueues.RequestQueue));
        var poisoned = Assert.Single(await app.Queue.Inner.PeekAsync(StreamQueues.PoisonQueue));
        Assert.Equal(text, poisoned.Text);
        Assert.Single(app.Telemetry.Events, e => e.Name == "StreamMessagePoisoned");
    }
}
