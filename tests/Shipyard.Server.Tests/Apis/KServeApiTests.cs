using System.Net;
using System.Text.Json;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Apis;

public sealed class KServeApiTests : IClassFixture<KServeApiTests.Factory>
{
    private readonly Factory _factory;

    public KServeApiTests(Factory factory)
    {
        _factory = factory;
    }

    [Fact]
    public async Task HealthLiveAndReady_AnswerTrueWithoutKey()
    {
        using var client = await _factory.CreateReadyClientAsync(key: null);

        var live = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/v2/health/live", UriKind.Relative)));
        var ready = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative)));

        Assert.True(live.GetProperty("live").GetBoolean());
        Assert.True(ready.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task ServerMetadata_NamesTheServer()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        var body = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/v2", UriKind.Relative)));

        Assert.Equal("shipyard", body.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("extensions").ValueKind);
    }

    [Theory]
    [InlineData("/v2/models/breast-cancer", "1")]
    [InlineData("/v2/models/breast-cancer/versions/2", "2")]
    public async Task ModelMetadata_FollowsTheOpenInferenceProtocolShape(string path, string version)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, "breast-cancer", version, "model.json")));
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        var body = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri(path, UriKind.Relative)));

        Assert.Equal("breast-cancer", body.GetProperty("name").GetString());
        Assert.Equal("onnx", body.GetProperty("platform").GetString());
        Assert.Equal(["1", "2"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()).Order());
        var inputs = body.GetProperty("inputs").EnumerateArray().ToArray();
        var features = manifest.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToArray();
        Assert.Equal(features, inputs.Select(i => i.GetProperty("name").GetString()));
        Assert.All(inputs, i =>
        {
            Assert.Equal("FP32", i.GetProperty("datatype").GetString());
            Assert.Equal([-1L], i.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        });
        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal([-1L, 2L], outputs["probabilities"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal("FP32", outputs["probabilities"].GetProperty("datatype").GetString());
        Assert.True(outputs.ContainsKey("label"));
    }

    [Theory]
    [InlineData("/v2/models/diabetes/ready")]
    [InlineData("/v2/models/diabetes/versions/1/ready")]
    public async Task ModelReady_ReadyVersion_Returns200True(string path)
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        var body = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri(path, UriKind.Relative)));

        Assert.Equal("diabetes", body.GetProperty("name").GetString());
        Assert.True(body.GetProperty("ready").GetBoolean());
    }

    [Theory]
    [InlineData("/v2/models/no-such-model")]
    [InlineData("/v2/models/no-such-model/ready")]
    [InlineData("/v2/models/diabetes/versions/42")]
    [InlineData("/v2/models/diabetes/versions/42/ready")]
    public async Task Unknown_Returns404ProblemWithProtocolErrorMember(string path)
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Infer_OneTensorPerFeature_EqualsSamples()
    {
        var samples = SampleCases.Load("breast-cancer", "1");
        var rows = samples.Cases.Take(7).ToArray();
        var inputs = samples.Features.Select(f => new
        {
            name = f,
            shape = new[] { rows.Length },
            datatype = "FP32",
            data = rows.Select(r => (double)r.Instance[f]).ToArray(),
        });
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/v2/models/breast-cancer/versions/1/infer", UriKind.Relative), Json.Body(new { id = "req-1", inputs }));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("breast-cancer", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("req-1", body.GetProperty("id").GetString());
        AssertClassifierOutputs(body, rows, ["malignant", "benign"]);

        // One prediction id per row, in row order, under which outcomes are posted.
        var ids = body.GetProperty("parameters").GetProperty("predictionIds").GetString()!.Split(',');
        Assert.Equal(rows.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(Shipyard.Scoring.PredictionIds.TryReadTime("breast-cancer", id, out _), id));
    }

    [Fact]
    public async Task Infer_OnnxInputTensor_EqualsSamples()
    {
        var samples = SampleCases.Load("breast-cancer", "1");
        var rows = samples.Cases.Take(4).ToArray();
        var data = rows.SelectMany(r => samples.Features.Select(f => (double)r.Instance[f])).ToArray();
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(
            new Uri("/v2/models/breast-cancer/versions/1/infer", UriKind.Relative),
            Json.Body(new { inputs = new[] { new { name = "input", shape = new[] { rows.Length, samples.Features.Count }, datatype = "FP32", data } } }));

        AssertClassifierOutputs(await HttpAssert.OkJsonAsync(response), rows, ["malignant", "benign"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a body starting with UTF-8's byte order mark (a file saved by an editor) means the same
    public async Task Infer_Unversioned_UsesProduction(bool byteOrderMark)
    {
        var samples = SampleCases.Load("diabetes", "1");
        var row = samples.Cases[3];
        var inputs = samples.Features.Select(f => new { name = f, shape = new[] { 1, 1 }, datatype = "FP32", data = new[] { (double)row.Instance[f] } });
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var json = await Json.Body(new { inputs }).ReadAsByteArrayAsync();
        using var content = new ByteArrayContent(byteOrderMark ? [0xEF, 0xBB, 0xBF, .. json] : json);
        content.Headers.ContentType = new("application/json");

        using var response = await client.PostAsync(new Uri("/v2/models/diabetes/infer", UriKind.Relative), content);

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal((await response.Content.ReadAsByteArrayAsync()).Length, response.Content.Headers.ContentLength);
        var value = body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "value");
        Assert.Equal(row.ExpectedValue!.Value, value.GetProperty("data")[0].GetDouble(), 1e-4 * Math.Abs(row.ExpectedValue.Value));
    }

    [Theory]
    [InlineData("{}", "inputs: required")]
    [InlineData("{\"inputs\":{}}", "inputs: expected a non-empty array")]
    [InlineData("{\"inputs\":[{\"name\":\"age\",\"datatype\":\"FP32\",\"data\":[1]}]}", "inputs[0].shape: required")]
    [InlineData("{\"inputs\":[{\"name\":\"age\",\"shape\":[-1],\"datatype\":\"FP32\",\"data\":[1]}]}", "inputs[0].shape[0]: expected a non-negative integer")]
    [InlineData("{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}", "inputs[0].name: required")]
    [InlineData("{\"inputs\":[{\"name\":\"age\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":1}]}", "inputs[0].data: expected an array")]
    [InlineData("{\"inputs\":[{\"name\":\"age\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1],\"colour\":1}]}", "inputs[0].colour: unknown field")]
    public async Task Infer_MalformedRequest_Returns400NamingTheField(string body, string expectedError)
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(new Uri("/v2/models/diabetes/infer", UriKind.Relative), Json.Raw(body));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(HttpAssert.Errors(problem), e => e.StartsWith(expectedError, StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Infer_WrongTensorForModel_Returns400FromDomain()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(
            new Uri("/v2/models/diabetes/infer", UriKind.Relative),
            Json.Body(new { inputs = new[] { new { name = "not_a_feature", shape = new[] { 1 }, datatype = "FP32", data = new[] { 1.0 } } } }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    private static void AssertClassifierOutputs(JsonElement body, SampleCase[] rows, string[] labels)
    {
        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var label = outputs["label"].GetProperty("data").EnumerateArray().Select(l => l.GetString()).ToArray();
        Assert.Equal(rows.Select(r => r.ExpectedLabel), label);
        var probabilities = outputs["probabilities"];
        Assert.Equal([rows.Length, labels.Length], probabilities.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var flat = probabilities.GetProperty("data").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < labels.Length; c++)
            {
                Assert.Equal(rows[r].ExpectedProbabilities[labels[c]], flat[(r * labels.Length) + c], 1e-4);
            }
        }
    }

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys());
}
