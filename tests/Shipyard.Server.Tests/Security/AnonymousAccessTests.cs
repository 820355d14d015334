using Shipyard.Testing;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Security;

/// <summary>Anonymous access only when configured (AllowAnonymous, or Development on loopback); admin never anonymous.</summary>
public sealed class AnonymousAccessTests
{
    private static readonly Uri PredictUri = new("/api/models/diabetes/versions/1/predict", UriKind.Relative);
    private static readonly Uri RollbackUri = new("/api/admin/models/diabetes/rollback", UriKind.Relative);

    [Fact]
    public async Task AllowAnonymous_PredictWithoutKey_Returns200_AdminStill401()
    {
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?> { ["Shipyard:Auth:AllowAnonymous"] = "true" }));
        using var client = await app.CreateReadyClientAsync(key: null);

        await HttpAssert.OkJsonAsync(await client.PostAsync(PredictUri, Instance()));
        await HttpAssert.ProblemAsync(await client.PostAsync(RollbackUri, content: null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Development_OnLoopback_PredictWithoutKey_Returns200_AdminStill401()
    {
        // TestServer requests have no remote address: the handler treats them as in-process (loopback).
        using var app = new ShipyardApplicationFactory(environment: "Development");
        using var client = await app.CreateReadyClientAsync(key: null);

        await HttpAssert.OkJsonAsync(await client.PostAsync(PredictUri, Instance()));
        await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/api/models", UriKind.Relative)));
        await HttpAssert.ProblemAsync(await client.PostAsync(RollbackUri, content: null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Development_AllowAnonymousFalse_PredictWithoutKey_Returns401()
    {
        using var app = new ShipyardApplicationFactory(new Dictionary<string, string?> { ["Shipyard:Auth:AllowAnonymous"] = "false" }, environment: "Development");
        using var client = await app.CreateReadyClientAsync(key: null);

        await HttpAssert.ProblemAsync(await client.PostAsync(PredictUri, Instance()), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Production_NoKeysConfigured_PredictWithoutKey_Returns401()
    {
        using var app = new ShipyardApplicationFactory();
        using var client = await app.CreateReadyClientAsync(key: null);

        await HttpAssert.ProblemAsync(await client.PostAsync(PredictUri, Instance()), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task NoAdminKeyConfigured_AdminRoutes_AreForbiddenEvenWithAFunctionKey()
    {
        using var app = new ShipyardApplicationFactory(new Dictionary<string, string?> { ["Shipyard:Auth:FunctionKeys:0"] = "only-a-function-key" });
        using var client = await app.CreateReadyClientAsync("only-a-function-key");

        await HttpAssert.OkJsonAsync(await client.PostAsync(PredictUri, Instance()));
        await HttpAssert.ProblemAsync(await client.PostAsync(RollbackUri, content: null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CommaSeparatedFunctionKeys_EachWorks()
    {
        using var app = new ShipyardApplicationFactory(new Dictionary<string, string?> { ["Shipyard:Auth:FunctionKeys"] = "key-one, key-two;key-three", ["Shipyard:Auth:FunctionKeys:0"] = null });
        foreach (var key in new[] { "key-one", "key-two", "key-three" })
        {
            using var client = await app.CreateReadyClientAsync(key);
            await HttpAssert.OkJsonAsync(await client.PostAsync(PredictUri, Instance()));
        }
    }

    [Fact]
    public async Task RotatedFunctionKey_WorksAfterAConfigurationReload_TheOldOneNoLonger()
    {
        // The handler's hashed keys are cached: a reload (a changed app setting) must replace them.
        using var app = new ShipyardApplicationFactory(new Dictionary<string, string?> { ["Shipyard:Auth:FunctionKeys:0"] = "old-key" });
        using var oldClient = await app.CreateReadyClientAsync("old-key");
        using var newClient = await app.CreateReadyClientAsync("new-key");
        await HttpAssert.OkJsonAsync(await oldClient.PostAsync(PredictUri, Instance()));
        await HttpAssert.ProblemAsync(await newClient.PostAsync(PredictUri, Instance()), HttpStatusCode.Unauthorized);

        var configuration = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
        configuration["Shipyard:Auth:FunctionKeys:0"] = "new-key";
        configuration.Reload();

        await HttpAssert.OkJsonAsync(await newClient.PostAsync(PredictUri, Instance()));
        await HttpAssert.ProblemAsync(await oldClient.PostAsync(PredictUri, Instance()), HttpStatusCode.Unauthorized);
    }

    private static StringContent Instance() => Json.Instances(SampleCases.Load("diabetes", "1").Cases[0].Instance);
}
