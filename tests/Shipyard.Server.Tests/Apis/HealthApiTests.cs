using Shipyard.Testing;
using System.Net;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Apis;

public sealed class HealthApiTests : IClassFixture<HealthApiTests.Factory>
{
    private readonly Factory _factory;

    public HealthApiTests(Factory factory)
    {
        _factory = factory;
    }

    [Fact]
    public async Task Get_AfterLoad_Returns200WithEveryBundledModelReady()
    {
        using var client = _factory.CreateClient(key: null);
        await ShipyardApplicationFactory.WaitUntilReadyAsync(client);

        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        var models = body.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        foreach (var (model, version) in SampleCases.Packages())
        {
            Assert.True(models.ContainsKey(model), $"health lists {model}");
            Assert.Equal("ready", models[model].GetProperty("versions").GetProperty(version).GetString());
        }
    }

    [Fact]
    public async Task Get_WithoutKeyInProduction_IsStillAnswered()
    {
        using var client = _factory.CreateClient(key: null);
        await ShipyardApplicationFactory.WaitUntilReadyAsync(client);

        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_Returns405Problem()
    {
        using var client = _factory.CreateClient(key: null);

        using var response = await client.PostAsync(new Uri("/api/health", UriKind.Relative), Json.Body(new { }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var client = _factory.CreateClient(key: null);

        using var response = await client.GetAsync(new Uri("/api/nothing-here", UriKind.Relative));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OpenApiDocument_IsServedAnonymouslyAndListsEveryRoute()
    {
        using var client = _factory.CreateClient(key: null);

        using var response = await client.GetAsync(new Uri("/api/openapi.json", UriKind.Relative));

        var document = await HttpAssert.OkJsonAsync(response);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/api/health", "/api/models", "/api/models/{name}", "/api/models/{name}/predict", "/api/models/{name}/versions/{version}/predict",
            "/v2/health/live", "/v2/health/ready", "/v2/models/{name}", "/v2/models/{name}/versions/{version}", "/v2/models/{name}/ready",
            "/v2/models/{name}/versions/{version}/ready", "/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer",
            "/api/admin/models/{name}/versions/{version}", "/api/admin/models/{name}/promote", "/api/admin/models/{name}/routing",
            "/api/admin/models/{name}/rollback",
        ];
        Assert.All(expected, p => Assert.Contains(p, paths));
    }

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys());
}
