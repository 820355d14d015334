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
    private readonly HttpClient _standalone = server.CreateClient();

    public static TheoryData<string, string> Packages()
    {
        var data = new TheoryData<string, string>();
        foreach (var (model, version) in SampleCases.Packages())
        {
            data.Add(model, version);
        }

        return data;
    }

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
    [MemberData(nameof(Packages))]
    public async Task Predict_WithFunctionKey_AnswersAsTheStandaloneServer(string model, string version)
    {
        var cases = SampleCases.Load(model, version);
        var body = new { instances = cases.Cases.Select(c => c.Instance).ToArray() };
        var path = $"api/models/{model}/versions/{version}/predict";

        using var viaHost = await host.Client.PostAsJsonAsync(new Uri($"{path}?code={host.FunctionKey}", UriKind.Relative), body);
        using var standalone = await _standalone.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

        Assert.True(viaHost.StatusCode == HttpStatusCode.OK, $"host answered {(int)viaHost.StatusCode}: {await viaHost.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, standalone.StatusCode);
        Assert.Equal(version, viaHost.Headers.GetValues("X-Model-Version").Single());
        Assert.Equal(WithoutPredictionIds(await standalone.Content.ReadAsStringAsync()), WithoutPredictionIds(await viaHost.Content.ReadAsStringAsync()));
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
        using var standalone = await _standalone.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

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
        using var standalone = await _standalone.GetAsync(new Uri("v2/models/diabetes", UriKind.Relative));
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
