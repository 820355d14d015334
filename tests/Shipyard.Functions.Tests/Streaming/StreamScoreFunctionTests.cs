using System.Net;
using System.Text.Json;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Streaming;
using Xunit;

namespace Shipyard.Functions.Tests.Streaming;

/// <summary>
/// POST /StreamScore with the Functions host's queue-trigger payload (custom handlers, "Request payload": Data holds the
/// message under the binding name as a JSON string; Metadata holds DequeueCount, Id, PopReceipt, InsertionTime, …).
/// </summary>
public sealed class StreamScoreFunctionTests
{
    // The host's payload for a queue trigger, as in https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#request-payload
    private static string Payload(string message, string queueMessageId, object dequeueCount) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Data"] = new Dictionary<string, object> { ["message"] = message },
        ["Metadata"] = new Dictionary<string, object>
        {
            ["DequeueCount"] = dequeueCount,
            ["ExpirationTime"] = "2026-11-29T01:00:00+00:00",
            ["Id"] = queueMessageId,
            ["InsertionTime"] = "2026-11-22T01:00:00+00:00",
            ["NextVisibleTime"] = "2026-11-22T01:10:00+00:00",
            ["PopReceipt"] = "AgAAAAMAAAAAAAAA",
            ["sys"] = new Dictionary<string, object> { ["MethodName"] = "StreamScore", ["UtcNow"] = "2026-11-22T01:00:01Z", ["RandGuid"] = Guid.NewGuid().ToString() },
        },
    });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> InvokeAsync(HttpClient client, string message, string queueMessageId, object dequeueCount)
    {
        using var response = await client.PostAsync(new Uri("/StreamScore", UriKind.Relative), Json.Raw(Payload(message, queueMessageId, dequeueCount)));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    private static string Message(string id, string model, IEnumerable<object> instances, string? replyTo = null, string version = "1") =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["id"] = id, ["model"] = model, ["version"] = version, ["instances"] = instances.ToArray(), ["replyTo"] = replyTo });

    [Fact]
    public async Task QueueTriggerPayload_EverySampleModel_ResultInOutputBindingEqualsSamples()
    {
        await using var app = new StreamTestApp();
        var client = await app.StartAsync();
        foreach (var (model, version) in SampleCases.Packages())
        {
            var samples = SampleCases.Load(model, version);
            var rows = samples.Cases.Take(3).ToList();
            var id = $"{model}-{version}-host";
            var (status, body) = await InvokeAsync(client, Message(id, model, rows.Select(r => (object)r.Instance), version: version), Guid.NewGuid().ToString(), 1);

            Assert.Equal(HttpStatusCode.OK, status);
            var result = JsonDocument.Parse(body.GetProperty("Outputs").GetProperty("result").GetString()!).RootElement;
            Assert.Equal(id, result.GetProperty("id").GetString());
            Assert.Equal(model, result.GetProperty("model").GetString());
            var predictions = result.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(rows.Count, predictions.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                PredictionAssert.Equal(rows[i], predictions[i], $"{model}/{version} row {i}");
            }
        }
    }

    [Fact]
    public async Task InvalidInstances_ErrorResultNamingTheField_NotAFailure()
    {
        await using var app = new StreamTestApp();
        var client = await app.StartAsync();

        var (status, body) = await InvokeAsync(client, Message("bad-1", "diabetes", [new { age = "old" }]), "q-1", "2");

        Assert.Equal(HttpStatusCode.OK, status);
        var result = JsonDocument.Parse(body.GetProperty("Outputs").GetProperty("result").GetString()!).RootElement;
        Assert.Equal("bad-1", result.GetProperty("id").GetString());
        var error = result.GetProperty("error");
        Assert.Equal(StreamScorer.InvalidInputType, error.GetProperty("type").GetString());
        Assert.Contains(error.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "instances[0].age");
    }

    [Theory]
    [InlineData("not json", "$")]
    [InlineData("{\"model\":\"diabetes\",\"instances\":[]}", "id")]
    [InlineData("{\"id\":\"x\",\"model\":\"diabetes\",\"instances\":[],\"replyTo\":\"Bad_Queue\"}", "replyTo")]
    [InlineData("{\"id\":\"y\",\"model\":\"diabetes\",\"instances\":[],\"replyTo\":\"score-requests\"}", "replyTo")]
    [InlineData("{\"id\":\"z\",\"model\":\"no-such-model\",\"instances\":[]}", "model")]
    public async Task InvalidMessage_ErrorResult(string message, string path)
    {
        await using var app = new StreamTestApp();
        var client = await app.StartAsync();

        var (status, body) = await InvokeAsync(client, message, Guid.NewGuid().ToString(), 1);

        Assert.Equal(HttpStatusCode.OK, status);
        var result = JsonDocument.Parse(body.GetProperty("Outputs").GetProperty("result").GetString()!).RootElement;
        Assert.Contains(result.GetProperty("error").GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == path);
    }

    [Fact]
    public async Task ReplyTo_ResultSentToThatQueue_NoOutputBinding()
    {
        await using var app = new StreamTestApp();
        var client = await app.StartAsync();
        await app.Queue!.Inner.CreateQueueIfNotExistsAsync("my-replies");
        var row = SampleCases.Load("diabetes", "1").Cases[0];

        var (status, body) = await InvokeAsync(client, Message("r-1", "diabetes", [row.Instance], "my-replies"), "q-r1", 1);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("Outputs").TryGetProperty("result", out _));
        var replies = await app.DrainAsync("my-replies");
        var reply = Assert.Single(replies);
        Assert.Equal("r-1", reply.GetProperty("id").GetString());
        PredictionAssert.Equal(row, reply.GetProperty("predictions")[0], "replyTo");
    }

    [Fact]
    public async Task SameIdTwice_SecondMessageSkipped_SameDeliveryAgainReEmitsTheStoredResult()
    {
        await using var app = new StreamTestApp();
        var client = await app.StartAsync();
        var message = Message("dup-1", "breast-cancer", [SampleCases.Load("breast-cancer", "1").Cases[0].Instance]);

        var (_, first) = await InvokeAsync(client, message, "q-a", 1);
        var (_, otherMessage) = await InvokeAsync(client, message, "q-b", 1);
        var (_, redelivery) = await InvokeAsync(client, message, "q-a", 2);

        var text = first.GetProperty("Outputs").GetProperty("result").GetString();
        Assert.False(otherMessage.GetProperty("Outputs").TryGetProperty("result", out _));
        Assert.Equal(text, redelivery.GetProperty("Outputs").GetProperty("result").GetString());
    }

    [Fact]
    public async Task FailureOnLastDelivery_500AndStreamMessagePoisonedEvent()
    {
        await using var app = new StreamTestApp(maxDequeue: 3);
        var client = await app.StartAsync();
        await app.Queue!.Inner.CreateQueueIfNotExistsAsync("replies-down");
        app.Queue.BeforeSend = (queue, _) => throw new IOException($"storage fault sending to {queue}");
        var message = Message("p-1", "diabetes", [SampleCases.Load("diabetes", "1").Cases[0].Instance], "replies-down");

        var (early, _) = await InvokeAsync(client, message, "q-p", "2");
        Assert.DoesNotContain(app.Telemetry.Events, e => e.Name == "StreamMessagePoisoned");
        var (last, body) = await InvokeAsync(client, message, "q-p", 3);

        Assert.Equal(HttpStatusCode.InternalServerError, early);
        Assert.Equal(HttpStatusCode.InternalServerError, last);
        Assert.Contains(body.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains("storage fault", StringComparison.Ordinal));
        var poisoned = Assert.Single(app.Telemetry.Events, e => e.Name == "StreamMessagePoisoned");
        Assert.Equal("q-p", poisoned.Properties!["messageId"]);
    }
}
