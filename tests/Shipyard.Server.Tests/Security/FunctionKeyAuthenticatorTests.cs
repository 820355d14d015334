using Shipyard.Testing;
using System.Net;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Security;

public sealed class FunctionKeyAuthenticatorTests : IClassFixture<FunctionKeyAuthenticatorTests.Factory>
{
    private static readonly Uri PredictUri = new("/api/models/diabetes/versions/1/predict", UriKind.Relative);
    private static readonly Uri PromoteUri = new("/api/admin/models/diabetes/promote", UriKind.Relative);
    private readonly Factory _factory;

    public FunctionKeyAuthenticatorTests(Factory factory)
    {
        _factory = factory;
    }

    [Fact]
    public async Task Predict_NoKey_Returns401ProblemWithChallenge()
    {
        using var client = await ReadyClientAsync(key: null);

        using var response = await client.PostAsync(PredictUri, Instance());

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("x-functions-key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_WrongKey_Returns401()
    {
        using var client = await ReadyClientAsync("not-a-key");

        using var response = await client.PostAsync(PredictUri, Instance());

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(ShipyardApplicationFactory.FunctionKey)]
    [InlineData(ShipyardApplicationFactory.OtherFunctionKey)]
    [InlineData(ShipyardApplicationFactory.AdminKey)]
    public async Task Predict_FunctionOrAdminKeyInHeader_Returns200(string key)
    {
        using var client = await ReadyClientAsync(key);

        using var response = await client.PostAsync(PredictUri, Instance());

        await HttpAssert.OkJsonAsync(response);
    }

    [Fact]
    public async Task Predict_KeyInCodeQuery_Returns200()
    {
        using var client = await ReadyClientAsync(key: null);

        using var response = await client.PostAsync(new Uri(PredictUri + "?code=" + ShipyardApplicationFactory.FunctionKey, UriKind.Relative), Instance());

        await HttpAssert.OkJsonAsync(response);
    }

    [Fact]
    public async Task Admin_FunctionKey_Returns403()
    {
        using var client = await ReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        using var response = await client.PostAsync(PromoteUri, Json.Body(new { alias = "staging", version = "1" }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_NoKey_Returns401()
    {
        using var client = await ReadyClientAsync(key: null);

        using var response = await client.PostAsync(PromoteUri, Json.Body(new { alias = "staging", version = "1" }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_AdminKey_Returns200()
    {
        using var client = await ReadyClientAsync(ShipyardApplicationFactory.AdminKey);

        using var response = await client.PostAsync(PromoteUri, Json.Body(new { alias = "staging", version = "1" }));

        await HttpAssert.OkJsonAsync(response);
    }

    [Fact]
    public async Task ReadRoutes_NeedAKey()
    {
        using var anonymous = await ReadyClientAsync(key: null);
        using var keyed = await ReadyClientAsync(ShipyardApplicationFactory.FunctionKey);

        foreach (var path in new[] { "/api/models", "/api/models/diabetes", "/v2/models/diabetes", "/v2" })
        {
            using var denied = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            await HttpAssert.ProblemAsync(denied, HttpStatusCode.Unauthorized);
            using var allowed = await keyed.GetAsync(new Uri(path, UriKind.Relative));
            await HttpAssert.OkJsonAsync(allowed);
        }
    }

    [Fact]
    public async Task Keys_AreNeverLogged()
    {
        using var good = await ReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        using var bad = await ReadyClientAsync("wrong-key-that-must-not-be-logged");
        using var admin = await ReadyClientAsync(ShipyardApplicationFactory.AdminKey);
        (await good.PostAsync(PredictUri, Instance())).Dispose();
        (await bad.PostAsync(PredictUri, Instance())).Dispose();
        (await good.PostAsync(PromoteUri, Json.Body(new { alias = "staging", version = "1" }))).Dispose();
        (await admin.PostAsync(PromoteUri, Json.Body(new { alias = "staging", version = "1" }))).Dispose();

        Assert.NotEmpty(_factory.App.Logs.Messages);
        foreach (var secret in new[] { ShipyardApplicationFactory.FunctionKey, ShipyardApplicationFactory.AdminKey, "wrong-key-that-must-not-be-logged" })
        {
            Assert.DoesNotContain(_factory.App.Logs.Messages, m => m.Contains(secret, StringComparison.Ordinal));
        }
    }

    private async Task<HttpClient> ReadyClientAsync(string? key)
    {
        var client = _factory.App.CreateClient(key);
        await ShipyardApplicationFactory.WaitUntilReadyAsync(client);
        return client;
    }

    private static StringContent Instance() => Json.Instances(SampleCases.Load("diabetes", "1").Cases[0].Instance);

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" }));
}
