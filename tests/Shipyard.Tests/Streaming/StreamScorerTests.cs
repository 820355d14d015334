using System.Text.Json;
using Shipyard.Models;
using Shipyard.Storage;
using Shipyard.Streaming;
using Shipyard.Tests.Models;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Streaming;

/// <summary>Message parsing and validation, and scoring through the real-time PredictionService with the bundled ORT models.</summary>
public sealed class StreamScorerTests
{
    [Fact]
    public void Parse_FullMessage_ReadsEveryField()
    {
        var message = StreamScorer.Parse("""{"id":"reading-1","model":"diabetes","version":"1","instances":[{"age":0.1},{"age":0.2}],"replyTo":"sensor-results","extra":true}""", out var id, out var errors);

        Assert.Empty(errors);
        Assert.NotNull(message);
        Assert.Equal("reading-1", id);
        Assert.Equal(new StreamMessage("reading-1", "diabetes", "1", message.Instances, "sensor-results"), message);
        Assert.Equal(2, message.Instances.GetArrayLength());
    }

    [Fact]
    public void Parse_OptionalFieldsAbsentOrNull_NullVersionAndReplyTo()
    {
        var message = StreamScorer.Parse("""{"id":"a","model":"digits","version":null,"instances":[]}""", out _, out var errors);

        Assert.Empty(errors);
        Assert.Null(message!.Version);
        Assert.Null(message.ReplyTo);
    }

    [Theory]
    [InlineData("not json", null, "$", "the message is not valid JSON")]
    [InlineData("", null, "$", "the message is not valid JSON")]
    [InlineData("{\"id\":\"a\",\"model\":\"diabetes\",\"instances\":[]", null, "$", "the message is not valid JSON")]
    [InlineData("[{\"id\":\"a\"}]", null, "$", "expected a JSON object, got an array")]
    [InlineData("\"id\"", null, "$", "expected a JSON object, got a string")]
    [InlineData("{\"model\":\"diabetes\",\"instances\":[]}", null, "id", "required property is missing")]
    [InlineData("{\"id\":null,\"model\":\"diabetes\",\"instances\":[]}", null, "id", "required property is missing")]
    [InlineData("{\"id\":42,\"model\":\"diabetes\",\"instances\":[]}", null, "id", "expected a string, got a number")]
    [InlineData("{\"id\":\"\",\"model\":\"diabetes\",\"instances\":[]}", null, "id", "must be 1 to 256 characters")]
    [InlineData("{\"id\":\"m1\",\"instances\":[]}", "m1", "model", "required property is missing")]
    [InlineData("{\"id\":\"m2\",\"model\":[\"diabetes\"],\"instances\":[]}", "m2", "model", "expected a string, got an array")]
    [InlineData("{\"id\":\"v1\",\"model\":\"diabetes\",\"version\":1,\"instances\":[]}", "v1", "version", "expected a string, got a number")]
    [InlineData("{\"id\":\"i1\",\"model\":\"diabetes\"}", "i1", "instances", "required property is missing")]
    [InlineData("{\"id\":\"i2\",\"model\":\"diabetes\",\"instances\":{\"age\":1}}", "i2", "instances", "expected an array, got an object")]
    [InlineData("{\"id\":\"i3\",\"model\":\"diabetes\",\"instances\":null}", "i3", "instances", "expected an array, got null")]
    [InlineData("{\"id\":\"r1\",\"model\":\"diabetes\",\"instances\":[],\"replyTo\":true}", "r1", "replyTo", "expected a string, got a boolean")]
    [InlineData("{\"id\":\"r2\",\"model\":\"diabetes\",\"instances\":[],\"replyTo\":\"score-requests\"}", "r2", "replyTo", "'score-requests' is a request queue; name a result queue such as 'score-results'")]
    [InlineData("{\"id\":\"r3\",\"model\":\"diabetes\",\"instances\":[],\"replyTo\":\"score-requests-poison\"}", "r3", "replyTo", "'score-requests-poison' is a request queue; name a result queue such as 'score-results'")]
    public void Parse_InvalidMessage_NamesThePathAndProblem(string text, string? expectedId, string path, string problem)
    {
        var message = StreamScorer.Parse(text, out var id, out var errors);

        Assert.Null(message);
        Assert.Equal(expectedId, id);
        Assert.Equal((path, problem), Assert.Single(errors, e => e.Path == path) is var e ? (e.Path, e.Message) : default);
    }

    [Theory]
    [InlineData("Bad_Queue")]
    [InlineData("ab")]
    [InlineData("double--dash")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    public void Parse_ReplyToNotAQueueName_Rejected(string replyTo)
    {
        var text = JsonSerializer.Serialize(new { id = "q", model = "diabetes", instances = Array.Empty<object>(), replyTo });

        var message = StreamScorer.Parse(text, out var id, out var errors);

        Assert.Null(message);
        Assert.Equal("q", id);
        var error = Assert.Single(errors);
        Assert.Equal("replyTo", error.Path);
        Assert.StartsWith($"'{replyTo}' is not a valid queue name: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IdLongerThan256_RejectedAndIdTruncatedForTheErrorResult()
    {
        var longId = new string('x', 300);

        var message = StreamScorer.Parse(JsonSerializer.Serialize(new { id = longId, model = "diabetes", instances = Array.Empty<object>() }), out var id, out var errors);

        Assert.Null(message);
        Assert.Equal(new string('x', 256), id);
        Assert.Equal(("id", "must be 1 to 256 characters"), (errors[0].Path, errors[0].Message));
    }

    [Fact]
    public void Parse_SeveralProblems_EveryOneNamed()
    {
        var message = StreamScorer.Parse("""{"id":7,"version":2,"instances":"rows","replyTo":"X"}""", out var id, out var errors);

        Assert.Null(message);
        Assert.Null(id);
        Assert.Equal(["id", "model", "version", "replyTo", "instances"], errors.Select(e => e.Path));
    }

    [Fact]
    public async Task ScoreAsync_MalformedJson_ExactErrorResultWithNullId()
    {
        await using var world = await StreamWorld.StartAsync();

        var result = await world.Scorer.ScoreAsync("{\"id\":");

        Assert.Equal(StreamResultKind.Rejected, result.Kind);
        Assert.Null(result.Id);
        Assert.Equal(StreamQueues.ResultQueue, result.Queue);
        Assert.Equal("""{"id":null,"error":{"type":"invalid-message","title":"The message is not a valid scoring request.","errors":[{"path":"$","message":"the message is not valid JSON"}]}}""", result.Text);
    }

    [Fact]
    public async Task ScoreAsync_InvalidMessageWithReplyTo_ErrorGoesToTheDefaultQueue()
    {
        // A message that failed validation has no trustworthy replyTo: its error result goes to score-results.
        await using var world = await StreamWorld.StartAsync();

        var result = await world.Scorer.ScoreAsync("""{"id":"r","model":"diabetes","replyTo":"my-results"}""");

        Assert.Equal(StreamQueues.ResultQueue, result.Queue);
        Assert.Equal([("instances", "required property is missing")], StreamAssert.Error(result.Text, "r", StreamScorer.InvalidMessageType));
    }

    [Fact]
    public async Task ScoreAsync_ThirtyTwoInstances_PredictionsEqualSamplesInOrder()
    {
        await using var world = await StreamWorld.StartAsync();
        var samples = SampleData.Load("breast-cancer", "1");

        var result = await world.Scorer.ScoreAsync(StreamWorld.Message("bc-32", "breast-cancer", samples.Instances(10, 32), replyTo: "sensor-results"));

        Assert.Equal(StreamResultKind.Scored, result.Kind);
        Assert.Equal("bc-32", result.Id);
        Assert.Equal("sensor-results", result.Queue);
        StreamAssert.Scored(result.Text, "bc-32", samples, 10, 32);
    }

    [Theory]
    [InlineData("retrain-requests")]
    [InlineData("someone-elses-queue")]
    public async Task ScoreAsync_ReplyToNotListed_ErrorResultOnScoreResults_NothingWrittenThere(string replyTo)
    {
        await using var world = await StreamWorld.StartAsync();
        var samples = SampleData.Load("diabetes", "1");

        var result = await world.Scorer.ScoreAsync(StreamWorld.Message("r-x", "diabetes", samples.Instances(0, 1), replyTo: replyTo));

        Assert.Equal(StreamResultKind.Rejected, result.Kind);
        Assert.Equal(StreamQueues.ResultQueue, result.Queue);
        Assert.Equal(
            [("replyTo", $"'{replyTo}' is not a reply queue of this app; omit replyTo for 'score-results' or list the queue in Shipyard:Streaming:ReplyQueues")],
            StreamAssert.Error(result.Text, "r-x", StreamScorer.InvalidMessageType));
    }

    [Fact]
    public async Task ScoreAsync_NoVersion_IdIsTheStickyCanaryKey()
    {
        // 10 % to canary v2: the version depends on the message id only, so a redelivery lands on
        // the same version; over 200 ids both versions serve, each matching its own samples.csv.
        await using var world = await StreamWorld.StartAsync(copyModels: ["breast-cancer"]);
        await world.Models.Registry.SetRoutingAsync("breast-cancer", new ModelRouting { Production = "1", Canary = new CanaryRoute("2", 10) });
        var samples = new Dictionary<string, SampleData> { ["1"] = SampleData.Load("breast-cancer", "1"), ["2"] = SampleData.Load("breast-cancer", "2") };
        var seen = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            var id = $"sensor-{i}";
            var probe = StreamWorld.Message(id, "breast-cancer", samples["1"].Instances(i % 50, 1), version: null);
            var first = await world.Scorer.ScoreAsync(probe);
            var version = JsonDocument.Parse(first.Text).RootElement.GetProperty("version").GetString()!;

            // Same id again (a redelivery) and with that version's own sample row: same version, sklearn's outputs (a
            // redelivery is a new prediction, with an id of its own).
            Assert.Equal(PredictionIdText.Without(first.Text), PredictionIdText.Without((await world.Scorer.ScoreAsync(probe)).Text));
            var own = await world.Scorer.ScoreAsync(StreamWorld.Message(id, "breast-cancer", samples[version].Instances(i % 50, 1), version: null));
            StreamAssert.Scored(own.Text, id, samples[version], i % 50, 1);
            seen.Add(version);
        }

        Assert.Equal(["1", "2"], seen.Order());
    }

    [Fact]
    public async Task ScoreAsync_UnknownModel_ModelNotFoundResultNamingTheModel()
    {
        await using var world = await StreamWorld.StartAsync();

        var result = await world.Scorer.ScoreAsync(StreamWorld.Message("u1", "no-such-model", SampleData.Load("diabetes", "1").Instances(0, 1)));

        Assert.Equal(StreamResultKind.Rejected, result.Kind);
        Assert.Equal([("model", "Model 'no-such-model' was not found.")], StreamAssert.Error(result.Text, "u1", StreamScorer.ModelNotFoundType));
    }

    [Fact]
    public async Task ScoreAsync_UnknownVersion_ModelNotFoundResultNamingTheVersion()
    {
        await using var world = await StreamWorld.StartAsync();

        var result = await world.Scorer.ScoreAsync(StreamWorld.Message("u2", "diabetes", SampleData.Load("diabetes", "1").Instances(0, 1), version: "9"));

        Assert.Equal([("version", "Version '9' of model 'diabetes' was not found.")], StreamAssert.Error(result.Text, "u2", StreamScorer.ModelNotFoundType));
    }

    [Fact]
    public async Task ScoreAsync_TooManyInstances_InvalidInputNamingTheLimit()
    {
        await using var world = await StreamWorld.StartAsync(configure: o => o.Limits.MaxInstances = 3);

        var result = await world.Scorer.ScoreAsync(StreamWorld.Message("big", "diabetes", SampleData.Load("diabetes", "1").Instances(0, 4)));

        Assert.Equal(StreamResultKind.Rejected, result.Kind);
        Assert.Equal([("instances", "at most 3 instances per request, got 4")], StreamAssert.Error(result.Text, "big", StreamScorer.InvalidInputType));
    }

    [Fact]
    public async Task ScoreAsync_ManyInvalidFields_ErrorsBoundedAndMarkedTruncated()
    {
        await using var world = await StreamWorld.StartAsync(configure: o => o.Limits.MaxErrors = 2);
        var bad = JsonDocument.Parse("""[{"age":"old"},{"age":"older"},{"age":"oldest"}]""").RootElement;

        var result = await world.Scorer.ScoreAsync(StreamWorld.Message("many", "diabetes", bad));

        var errors = StreamAssert.Error(result.Text, "many", StreamScorer.InvalidInputType);
        Assert.Equal(2, errors.Count);
        Assert.True(JsonDocument.Parse(result.Text).RootElement.GetProperty("error").GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task ScoreAsync_InvalidInstance_EveryFieldNamedAsTheHttp400()
    {
        await using var world = await StreamWorld.StartAsync();
        var samples = SampleData.Load("diabetes", "1");
        var row = samples.Instances(0, 1)[0].EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        row["bmi"] = "heavy";
        row.Remove("s1");

        var result = await world.Scorer.ScoreAsync(JsonSerializer.Serialize(new { id = "f", model = "diabetes", version = "1", instances = new[] { row } }));

        var errors = StreamAssert.Error(result.Text, "f", StreamScorer.InvalidInputType);
        Assert.Contains(errors, e => e.Path == "instances[0].bmi");
        Assert.Contains(errors, e => e.Path == "instances[0].s1");
    }

    [Fact]
    public async Task ScoreAsync_RegistryStillLoading_ThrowsModelNotReady_NotAResult()
    {
        // Transient: the delivery must fail and be retried, not answered with an error.
        await using var world = await StreamWorld.StartAsync(startRegistry: false);

        await Assert.ThrowsAsync<ModelNotReadyException>(() => world.Scorer.ScoreAsync(StreamWorld.Message("early", "diabetes", SampleData.Load("diabetes", "1").Instances(0, 1))));
    }

    [Fact]
    public async Task ScoreAsync_PredictionLoggedWithSourceStream()
    {
        await using var world = await StreamWorld.StartAsync(configure: o => o.PredictionLogSampleRate = 1);
        var samples = SampleData.Load("digits", "1");

        await world.Scorer.ScoreAsync(StreamWorld.Message("logged", "digits", samples.Instances(0, 2)));
        await world.Models.Log.FlushAsync();

        var lines = new List<JsonElement>();
        await foreach (var blob in world.Models.Store.ListAsync("prediction-logs", "digits/1/"))
        {
            foreach (var line in (await world.Models.Store.ReadAllTextAsync("prediction-logs", blob.Name)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal("stream", l.GetProperty("source").GetString()));
    }
}
