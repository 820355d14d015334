using System.Net;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Storage;
using Xunit;

namespace Shipyard.Server.Tests.Monitoring;

/// <summary>GET /api/models/{name}/drift and /drift/latest.html.</summary>
public sealed class DriftApiTests
{
    [Fact]
    public async Task Drift_NoReportYet_404ProblemNamingTheModel()
    {
        using var app = new DriftTestApp();
        using var client = await app.ClientAsync();

        using var json = await client.GetAsync(new Uri("/api/models/breast-cancer/drift", UriKind.Relative));
        using var html = await client.GetAsync(new Uri("/api/models/breast-cancer/drift/latest.html", UriKind.Relative));

        var problem = await HttpAssert.ProblemAsync(json, HttpStatusCode.NotFound);
        Assert.Contains("'breast-cancer'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(html, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Drift_InvalidNameOrVersion_400()
    {
        using var app = new DriftTestApp();
        using var client = await app.ClientAsync();

        using var name = await client.GetAsync(new Uri("/api/models/Bad..Name/drift", UriKind.Relative));
        using var version = await client.GetAsync(new Uri("/api/models/breast-cancer/drift?version=01", UriKind.Relative));

        Assert.StartsWith("name: ", HttpAssert.Errors(await HttpAssert.ProblemAsync(name, HttpStatusCode.BadRequest))[0], StringComparison.Ordinal);
        Assert.StartsWith("version: '01'", HttpAssert.Errors(await HttpAssert.ProblemAsync(version, HttpStatusCode.BadRequest))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_WithoutKey_401()
    {
        using var app = new DriftTestApp();
        using var client = await app.ClientAsync(key: null);

        using var response = await client.GetAsync(new Uri("/api/models/breast-cancer/drift", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Drift_AfterCheck_JsonPerVersionAndLatestHtml()
    {
        using var app = new DriftTestApp();
        using var client = await app.ClientAsync();
        var invocation = await app.InvokeDriftCheckAsync();
        var v2Blob = DriftTestApp.Outcome(invocation, "breast-cancer", "2").GetProperty("report").GetString()!;

        using var json = await client.GetAsync(new Uri("/api/models/breast-cancer/drift", UriKind.Relative));
        using var v2 = await client.GetAsync(new Uri("/api/models/breast-cancer/drift?version=2", UriKind.Relative));
        using var html = await client.GetAsync(new Uri("/api/models/breast-cancer/drift/latest.html", UriKind.Relative));

        Assert.Equal("1", (await HttpAssert.OkJsonAsync(json)).GetProperty("version").GetString()); // production's report by default
        Assert.Equal("2", (await HttpAssert.OkJsonAsync(v2)).GetProperty("version").GetString());
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var page = await html.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("breast-cancer", page, StringComparison.Ordinal);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(await app.Store.ReadAllBytesAsync("drift-reports", DriftTestApp.Outcome(invocation, "breast-cancer", "1").GetProperty("report").GetString()![..^5] + ".html")), page);
        Assert.StartsWith("breast-cancer/2/", v2Blob, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_ModelFolderFallback_ServesDriftReportsOnly_NotEvaluationReports()
    {
        using var app = new DriftTestApp();
        using var client = await app.ClientAsync();
        await app.Store.CreateContainerIfNotExistsAsync("drift-reports");
        await app.Store.UploadTextAsync("drift-reports", "breast-cancer/evaluation/20991231T000000Z.json", """{"model":"breast-cancer","kind":"evaluation"}""");

        using var onlyEvaluation = await client.GetAsync(new Uri("/api/models/breast-cancer/drift", UriKind.Relative));
        await app.Store.UploadTextAsync("drift-reports", "breast-cancer/2/20200101T000000000Z.json", """{"model":"breast-cancer","version":"2"}""");
        using var withVersion2 = await client.GetAsync(new Uri("/api/models/breast-cancer/drift", UriKind.Relative));

        // Production (1) has no drift report: the fallback takes the newest drift report of any version, never the
        // (newer) evaluation report beside them.
        await HttpAssert.ProblemAsync(onlyEvaluation, HttpStatusCode.NotFound);
        Assert.Equal("2", (await HttpAssert.OkJsonAsync(withVersion2)).GetProperty("version").GetString());
    }
}
