using System.Net;
using System.Text.Json;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Apis;

public sealed class ModelsApiTests : IClassFixture<ModelsApiTests.Factory>
{
    private readonly Factory _factory;

    public ModelsApiTests(Factory factory)
    {
        _factory = factory;
    }

    [Fact]
    public async Task List_ReturnsEveryBundledModelWithRoutingAndVersions()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.GetAsync(new Uri("/api/models", UriKind.Relative));

        var body = await HttpAssert.OkJsonAsync(response);
        var models = body.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        foreach (var (model, version) in SampleCases.Packages())
        {
            var versions = models[model].GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()).ToArray();
            Assert.Contains(version, versions);
        }

        Assert.Equal("1", models["breast-cancer"].GetProperty("routing").GetProperty("production").GetString());
    }

    [Fact]
    public async Task Get_ReturnsManifestStateAndChecksumOfEachVersion()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.GetAsync(new Uri("/api/models/breast-cancer", UriKind.Relative));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("breast-cancer", body.GetProperty("name").GetString());
        foreach (var version in body.GetProperty("versions").EnumerateArray())
        {
            var v = version.GetProperty("version").GetString()!;
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, "breast-cancer", v, "model.json")));
            Assert.Equal("ready", version.GetProperty("state").GetString());
            Assert.Equal("bundled", version.GetProperty("source").GetString());
            Assert.Equal(manifest.RootElement.GetProperty("sha256").GetString(), version.GetProperty("sha256").GetString());
            Assert.Equal(
                manifest.RootElement.GetProperty("features").GetArrayLength(),
                version.GetProperty("manifest").GetProperty("features").GetArrayLength());
            Assert.Equal("binary-classification", version.GetProperty("manifest").GetProperty("task").GetString());
        }
    }

    [Fact]
    public async Task Get_UnknownModel_Returns404Problem()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.GetAsync(new Uri("/api/models/no-such-model", UriKind.Relative));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no-such-model", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Breast-Cancer")]
    [InlineData("m%C3%B3del")]
    [InlineData("%D0%BC%D0%BE%D0%B4%D0%B5%D0%BB%D1%8C")]
    [InlineData("%F0%9F%9A%A2")]
    [InlineData("a..b")]
    public async Task Get_InvalidName_Returns400NamingTheField(string escapedName)
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.GetAsync(new Uri("/api/models/" + escapedName, UriKind.Relative));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("name: ", Assert.Single(HttpAssert.Errors(problem)), StringComparison.Ordinal);
    }

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys());
}
