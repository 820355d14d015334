using System.Net;
using System.Text;
using System.Text.Json;
using Shipyard.Scoring;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Apis;

/// <summary>The feedback and evaluation routes' answers to good and bad input, keys included.</summary>
public sealed class EvaluationApiTests : IClassFixture<EvaluationApiTests.Factory>
{
    private readonly Factory _factory;

    public EvaluationApiTests(Factory factory) => _factory = factory;

    [Fact]
    public async Task Predict_EveryPredictionHasItsOwnIdOfThisModel()
    {
        var samples = SampleCases.Load("diabetes", "1");
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        var body = await HttpAssert.OkJsonAsync(await client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative), Json.Instances(samples.Cases.Take(5).Select(c => c.Instance))));

        var ids = body.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predictionId").GetString()!).ToList();
        Assert.Equal(5, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(PredictionIds.TryReadTime("diabetes", id, out var made) && Math.Abs((made - DateTimeOffset.UtcNow).TotalMinutes) < 5, id));
    }

    [Fact]
    public async Task Feedback_UnknownLabel_400NamingItAndNothingStored()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var id = PredictionIds.New("breast-cancer", DateTimeOffset.UtcNow);

        var problem = await HttpAssert.ProblemAsync(await PostAsync(client, "breast-cancer", new { outcomes = new object[] { new { predictionId = id, actual = "benign" }, new { predictionId = id, actual = "cat" }, new { predictionId = 7 } } }), HttpStatusCode.BadRequest);

        Assert.Equal(
            ["outcomes[1].actual: 'cat' is not a label of breast-cancer (labels: malignant, benign)"],
            HttpAssert.Errors(await HttpAssert.ProblemAsync(await PostAsync(client, "breast-cancer", new { outcomes = new[] { new { predictionId = id, actual = "benign" }, new { predictionId = id, actual = "cat" } } }), HttpStatusCode.BadRequest)));
        Assert.Equal(["outcomes[2].predictionId: expected the prediction's id as a string", "outcomes[2].actual: expected the true label or value"], HttpAssert.Errors(problem));
    }

    [Theory]
    [InlineData("{}", "outcomes: expected {\"outcomes\":[{\"predictionId\":\"…\",\"actual\":…}]}")]
    [InlineData("{\"outcomes\":[3]}", "outcomes[0]: expected an object with predictionId and actual")]
    [InlineData("{\"outcomes\":[{\"predictionId\":\"x\",\"actual\":\"high\"}]}", "outcomes[0].actual: expected the true value as a finite number, found \"high\"")]
    public async Task Feedback_MalformedBodies_400NamingTheProblem(string body, string error)
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        var problem = await HttpAssert.ProblemAsync(await client.PostAsync(new Uri("/api/models/diabetes/feedback", UriKind.Relative), Json.Raw(body)), HttpStatusCode.BadRequest);

        Assert.Equal([error], HttpAssert.Errors(problem));
    }

    [Fact]
    public async Task Feedback_ScoredCsvWithActualColumn_AcceptedUnderBatchRowIds()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        const string csv = "age,bmi,prediction,actual\n0.03,0.06,151.2,140\n0.01,-0.02,99.5,120\n";

        var receipt = await HttpAssert.OkJsonAsync(await client.PostAsync(
            new Uri("/api/models/diabetes/feedback?version=1&batch=clinic-2026-12", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv")));
        var missing = await HttpAssert.ProblemAsync(await client.PostAsync(
            new Uri("/api/models/diabetes/feedback", UriKind.Relative), new StringContent("age,actual\n1,2\n", Encoding.UTF8, "text/csv")), HttpStatusCode.BadRequest);

        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        Assert.Empty(receipt.GetProperty("rejected").EnumerateArray());
        Assert.Equal(
            ["header: expected a 'predictionId' column, or a scored file's 'prediction' column",
             "version: a scored file's outcomes need the version that scored it (?version=, from its report.json)",
             "batch: a scored file's outcomes need a batch name (?batch=, 1-64 letters, digits, '-', '_' or '.'), which names its rows"],
            HttpAssert.Errors(missing));
    }

    [Fact]
    public async Task Routes_NeedAKeyAndKnowTheModel()
    {
        using var anonymous = await _factory.CreateReadyClientAsync(key: null);
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/models/diabetes/evaluation", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(anonymous, "diabetes", new { outcomes = Array.Empty<object>() })).StatusCode);
        await HttpAssert.ProblemAsync(await client.GetAsync(new Uri("/api/models/nope/evaluation", UriKind.Relative)), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await PostAsync(client, "nope", new { outcomes = Array.Empty<object>() }), HttpStatusCode.NotFound);
        var window = await HttpAssert.ProblemAsync(await client.GetAsync(new Uri("/api/models/diabetes/evaluation?window=forever", UriKind.Relative)), HttpStatusCode.BadRequest);
        Assert.Equal(["window: 'forever' is not a window up to 366 days (24h, 90m, 7d)"], HttpAssert.Errors(window));
    }

    [Fact]
    public async Task Evaluation_NoTraffic_ReportWithNoVersionsAndNoComparison()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        var report = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/api/models/digits/evaluation?window=1h", UriKind.Relative)));

        Assert.Equal("digits", report.GetProperty("model").GetString());
        Assert.Empty(report.GetProperty("versions").EnumerateObject());
        Assert.False(report.TryGetProperty("comparison", out var c) && c.ValueKind != JsonValueKind.Null);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string model, object body) =>
        client.PostAsync(new Uri($"/api/models/{model}/feedback", UriKind.Relative), Json.Body(body));

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys());
}
