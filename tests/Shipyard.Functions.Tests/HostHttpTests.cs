using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests;

/// <summary>The HTTP functions through the real Functions host: its key checks, and answers equal to the standalone server's.</summary>
[Collection(FunctionsHostGroup.Name)]
public sealed class HostHttpTests(FunctionsHostFixture host, StandaloneServer server)
{

    [Fact]
    public async Task Health_WithoutKey_IsReady()
    {
        var response = await host.EventuallyAsync(async () =>
        {
            var r = await host.Client.GetAsync(new Uri("api/health", UriKind.Relative));
            return r.StatusCode == HttpStatusCode.OK ? r : null;
        }, TimeSpan.FromSeconds(60), "GET /api/health → 200");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(SampleCases.PackageData), MemberType = typeof(SampleCases))]
    public async Task Predict_WithFunctionKey_AnswersAsTheStandaloneServer(string model, string version)
    {
        var cases = SampleCases.Load(model, version);
        var body = new { instances = cases.Cases.Select(c => c.Instance).ToArray() };
        var path = $"api/models/{model}/versions/{version}/predict";

        using var viaHost = await host.Client.PostAsJsonAsync(new Uri($"{path}?code={host.FunctionKey}", UriKind.Relative), body);
        using var standaloneClient = await server.ReadyClientAsync();
        using var standalone = await standaloneClient.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

        Assert.True(viaHost.StatusCode == HttpStatusCode.OK, $"host answered {(int)viaHost.StatusCode}: {await viaHost.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, standalone.StatusCode);
        Assert.Equal(version, viaHost.Headers.GetValues("X-Model-Version").Single());
        Assert.Equal(WithoutPredictionIds(await standalone.Content.ReadAsStringAsync()), WithoutPredictionIds(await viaHost.Content.ReadAsStringAsync()));
    }

    // Read routes and error answers: the same status, content type and body from both hosts.
    [Theory]
    [InlineData("api/models")]
    [InlineData("api/models/diabetes")]
    [InlineData("api/models/Not_A_Name")]
    [InlineData("v2")]
    [InlineData("v2/health/live")]
    [InlineData("v2/health/ready")]
    [InlineData("v2/models/breast-cancer/versions/2")]
    [InlineData("v2/models/breast-cancer/versions/9/ready")]
    [InlineData("api/models/diabetes/drift?version=7")]
    public async Task Get_AnswersAsTheStandaloneServer(string path)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        using var viaHost = await host.Client.GetAsync(new Uri($"{path}{separator}code={host.FunctionKey}", UriKind.Relative));
        using var standaloneClient = await server.ReadyClientAsync();
        using var standalone = await standaloneClient.GetAsync(new Uri(path, UriKind.Relative));

        await AssertSameAnswerAsync(standalone, viaHost);
    }

    [Theory]
    [InlineData("v2/models/diabetes/infer", """{"inputs":[{"name":"age","shape":[1],"datatype":"FP32","data":[0.03]}]}""")]
    [InlineData("api/models/diabetes/versions/1/predict", "{not json")]
    [InlineData("api/models/diabetes/versions/1/predict", """{"instances":"none"}""")]
    [InlineData("api/models/no-such-model/versions/1/predict", """{"instances":[]}""")]
    public async Task Post_AnswersAsTheStandaloneServer(string path, string body)
    {
        using var viaHost = await host.Client.PostAsync(new Uri($"{path}?code={host.FunctionKey}", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        using var standaloneClient = await server.ReadyClientAsync();
        using var standalone = await standaloneClient.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertSameAnswerAsync(standalone, viaHost);
    }

    [Fact]
    public async Task FeedbackAndEvaluation_ThroughTheHost_AcceptOutcomesAndReport()
    {
        var cases = SampleCases.Load("breast-cancer", "1");
        using var predicted = await host.Client.PostAsJsonAsync(new Uri($"api/models/breast-cancer/versions/1/predict?code={host.FunctionKey}", UriKind.Relative), new { instances = new[] { cases.Cases[0].Instance } });
        using var prediction = JsonDocument.Parse(await predicted.Content.ReadAsStringAsync());
        var id = prediction.RootElement.GetProperty("predictions")[0].GetProperty("predictionId").GetString();

        using var feedback = await host.Client.PostAsJsonAsync(new Uri($"api/models/breast-cancer/feedback?code={host.FunctionKey}", UriKind.Relative),
            new { outcomes = new[] { new { predictionId = id, actual = cases.Cases[0].ExpectedLabel } } });
        using var unauthorized = await host.Client.PostAsJsonAsync(new Uri("api/models/breast-cancer/feedback", UriKind.Relative), new { outcomes = Array.Empty<object>() });
        using var evaluation = await host.Client.GetAsync(new Uri($"api/models/breast-cancer/evaluation?window=1h&code={host.FunctionKey}", UriKind.Relative));

        Assert.True(feedback.StatusCode == HttpStatusCode.OK, await feedback.Content.ReadAsStringAsync());
        using var receipt = JsonDocument.Parse(await feedback.Content.ReadAsStringAsync());
        Assert.Equal(1, receipt.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.True(evaluation.StatusCode == HttpStatusCode.OK, await evaluation.Content.ReadAsStringAsync());
        using var report = JsonDocument.Parse(await evaluation.Content.ReadAsStringAsync());
        Assert.Equal("breast-cancer", report.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Predict_WithoutKey_Is401()
    {
        using var response = await host.Client.PostAsJsonAsync(new Uri("api/models/breast-cancer/versions/1/predict", UriKind.Relative), new { instances = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Predict_BadInput_IsTheSameProblemAsStandalone()
    {
        var body = new { instances = new[] { new Dictionary<string, object> { ["mean_radius"] = "wide" } } };
        const string path = "api/models/breast-cancer/versions/1/predict";
        using var viaHost = await host.Client.PostAsJsonAsync(new Uri($"{path}?code={host.FunctionKey}", UriKind.Relative), body);
        using var standaloneClient = await server.ReadyClientAsync();
        using var standalone = await standaloneClient.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, viaHost.StatusCode);
        Assert.Equal("application/problem+json", viaHost.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Errors(await standalone.Content.ReadAsStringAsync()), Errors(await viaHost.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task UnknownModel_Is404ProblemJson()
    {
        using var response = await host.Client.GetAsync(new Uri($"api/models/no-such-model?code={host.FunctionKey}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task KServeModelMetadata_AnswersAsStandalone()
    {
        using var viaHost = await host.Client.GetAsync(new Uri($"v2/models/diabetes?code={host.FunctionKey}", UriKind.Relative));
        using var standaloneClient = await server.ReadyClientAsync();
        using var standalone = await standaloneClient.GetAsync(new Uri("v2/models/diabetes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, viaHost.StatusCode);
        Assert.Equal(await standalone.Content.ReadAsStringAsync(), await viaHost.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_WithFunctionKey_IsRefused()
    {
        using var response = await host.Client.PostAsync(new Uri($"api/admin/models/breast-cancer/rollback?code={host.FunctionKey}", UriKind.Relative), null);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }

    [Fact]
    public async Task Admin_WithMasterKey_ReachesTheHandler()
    {
        // An unknown model: the handler's own 404 problem proves the request got past the host's key check, changing nothing.
        using var response = await host.Client.PostAsync(new Uri($"api/admin/models/no-such-model/rollback?code={host.MasterKey}", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task AssertSameAnswerAsync(HttpResponseMessage standalone, HttpResponseMessage viaHost)
    {
        var expected = await standalone.Content.ReadAsStringAsync();
        var actual = await viaHost.Content.ReadAsStringAsync();
        Assert.True(standalone.StatusCode == viaHost.StatusCode, $"standalone {(int)standalone.StatusCode} {expected}; host {(int)viaHost.StatusCode} {actual}");
        Assert.Equal(standalone.Content.Headers.ContentType?.MediaType, viaHost.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Comparable(expected), Comparable(actual));
    }

    // What differs by nature between two processes: a problem's per-request traceId, and when each loaded a version
    // (loadedAt, in model and version answers). Everything else must match.
    private static string Comparable(string body)
    {
        var node = JsonNode.Parse(body);
        Strip(node);
        return node?.ToJsonString() ?? body;
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("traceId");
                obj.Remove("loadedAt");
                foreach (var (_, child) in obj)
                {
                    Strip(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Strip(child);
                }

                break;
        }
    }

    // Prediction ids (present when the prediction log samples the request) are unique per answer; everything else must match.
    private static string WithoutPredictionIds(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var prediction in node["predictions"]!.AsArray())
        {
            prediction!.AsObject().Remove("predictionId");
        }

        return node.ToJsonString();
    }

    private static string Errors(string problem) => JsonNode.Parse(problem)!["errors"]!.ToJsonString();
}
