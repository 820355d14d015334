using Shipyard.Testing;
using System.Net;
using System.Text.Json;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Apis;

public sealed class PredictApiTests : IClassFixture<PredictApiTests.Factory>
{
    private readonly Factory _factory;

    public PredictApiTests(Factory factory)
    {
        _factory = factory;
    }

    [Theory]
    [MemberData(nameof(SampleCases.PackageData), MemberType = typeof(SampleCases))]
    public async Task PredictVersion_EverySample_EqualsTheTrainingFrameworksOutput(string model, string version)
    {
        var samples = SampleCases.Load(model, version);
        Assert.NotEmpty(samples.Cases);
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        // One request per sample, as a client would send them.
        for (var i = 0; i < samples.Cases.Count; i++)
        {
            using var response = await client.PostAsync(new Uri($"/api/models/{model}/versions/{version}/predict", UriKind.Relative), Json.Instances(samples.Cases[i].Instance));
            var body = await HttpAssert.OkJsonAsync(response);
            Assert.Equal(model, body.GetProperty("model").GetString());
            Assert.Equal(version, body.GetProperty("version").GetString());
            PredictionAssert.Equal(samples.Cases[i], Assert.Single(body.GetProperty("predictions").EnumerateArray().ToArray()), $"{model} v{version} sample {i}");
        }
    }

    [Theory]
    [MemberData(nameof(SampleCases.PackageData), MemberType = typeof(SampleCases))]
    public async Task PredictVersion_AllSamplesInOneRequest_AnswersInOrder(string model, string version)
    {
        var samples = SampleCases.Load(model, version);
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(
            new Uri($"/api/models/{model}/versions/{version}/predict", UriKind.Relative),
            Json.Instances(samples.Cases.Select(c => c.Instance)));

        var predictions = (await HttpAssert.OkJsonAsync(response)).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(samples.Cases.Count, predictions.Length);
        for (var i = 0; i < predictions.Length; i++)
        {
            PredictionAssert.Equal(samples.Cases[i], predictions[i], $"{model} v{version} row {i}");
        }
    }

    [Fact]
    public async Task PredictVersion_FeaturesOutOfOrderOrBodyInPieces_AnswersAsForTheUsualBody()
    {
        // The usual body is read in one pass (InstanceReader); features in another order go through the full validator,
        // and a body that arrives in 7-byte writes is read over several reads. All must answer alike.
        var samples = SampleCases.Load("diabetes", "1");
        var reversed = samples.Cases[1].Instance.Reverse().ToDictionary();
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var uri = new Uri("/api/models/diabetes/versions/1/predict", UriKind.Relative);

        using var response = await client.PostAsync(uri, Json.Instances(samples.Cases[0].Instance, reversed));
        using var pieces = new StreamContent(new MemoryStream(await Json.Instances(samples.Cases[0].Instance, samples.Cases[1].Instance).ReadAsByteArrayAsync()), bufferSize: 7);
        pieces.Headers.ContentType = new("application/json");
        using var piecewise = await client.PostAsync(uri, pieces);

        foreach (var answer in new[] { response, piecewise })
        {
            var predictions = (await HttpAssert.OkJsonAsync(answer)).GetProperty("predictions");
            PredictionAssert.Equal(samples.Cases[0], predictions[0], "diabetes row 0");
            PredictionAssert.Equal(samples.Cases[1], predictions[1], "diabetes row 1");
        }
    }

    [Fact]
    public async Task PredictVersion_BodyStartingWithAByteOrderMark_AnswersAsWithout()
    {
        // Editors save JSON files with UTF-8's byte order mark; curl --data-binary @file sends it along.
        var samples = SampleCases.Load("diabetes", "1");
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        foreach (var instance in new[] { samples.Cases[0].Instance, samples.Cases[0].Instance.Reverse().ToDictionary() })
        {
            using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. await Json.Instances(instance).ReadAsByteArrayAsync()]);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(new Uri("/api/models/diabetes/versions/1/predict", UriKind.Relative), content);

            PredictionAssert.Equal(samples.Cases[0], (await HttpAssert.OkJsonAsync(response)).GetProperty("predictions")[0], "with a byte order mark");
        }
    }

    [Fact]
    public async Task Predict_UnpinnedRoute_AnswersWithARoutedVersionAndSaysWhichInHeaderAndBody()
    {
        var samples = SampleCases.Load("diabetes", "1");
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative), Json.Instances(samples.Cases[0].Instance));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("1", body.GetProperty("version").GetString());
        Assert.Equal("1", response.Headers.GetValues("X-Model-Version").Single());
        PredictionAssert.Equal(samples.Cases[0], body.GetProperty("predictions")[0], "diabetes production");
        // Serialized before the response starts: Content-Length, not chunked (one socket write per answer).
        Assert.Equal((await response.Content.ReadAsByteArrayAsync()).Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Predict_UnknownModel_Returns404Problem()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/api/models/no-such-model/predict", UriKind.Relative), Json.Instances(new { x = 1 }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PredictVersion_UnknownVersion_Returns404Problem()
    {
        var samples = SampleCases.Load("diabetes", "1");
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/api/models/diabetes/versions/99/predict", UriKind.Relative), Json.Instances(samples.Cases[0].Instance));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("99", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_InvalidFieldsInSeveralInstances_Returns400NamingEveryOne()
    {
        var samples = SampleCases.Load("diabetes", "1");
        var good = samples.Cases[0].Instance;
        var missing = good.Where(kv => kv.Key != "bmi").ToDictionary();
        var wrongType = new Dictionary<string, object>(good) { ["age"] = "old" };
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/api/models/diabetes/versions/1/predict", UriKind.Relative), Json.Instances(good, missing, wrongType));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = HttpAssert.Errors(problem);
        Assert.Contains(errors, e => e.StartsWith("instances[1].bmi: ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("instances[2].age: ", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.StartsWith("instances[0]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Predict_MoreInstancesThanTheLimit_Returns413()
    {
        var instance = SampleCases.Load("diabetes", "1").Cases[0].Instance;
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative), Json.Instances(Enumerable.Repeat<object>(instance, 501)));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("instances: 501 instances exceed the limit of 500 per request", Assert.Single(HttpAssert.Errors(problem)), StringComparison.Ordinal);
    }

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
    {
        ["Shipyard:Http:MaxInstancesPerRequest"] = "500",
    }));
}
