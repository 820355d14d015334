using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Apis;

/// <summary>Each test gets its own app and store: admin calls change routing.</summary>
public sealed class AdminApiTests : IDisposable
{
    private readonly ShipyardApplicationFactory _app = new(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
    {
        ["Shipyard:Http:MaxUploadBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    }));

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Promote_Staging_ChangesRoutingAndModelDetails()
    {
        using var client = await _app.CreateReadyClientAsync();

        var routing = await HttpAssert.OkJsonAsync(await client.PostAsync(Admin("breast-cancer/promote"), Json.Body(new { alias = "staging", version = "2" })));

        Assert.Equal("2", routing.GetProperty("staging").GetString());
        Assert.Equal("1", routing.GetProperty("production").GetString());
        var model = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/api/models/breast-cancer", UriKind.Relative)));
        Assert.Equal("2", model.GetProperty("routing").GetProperty("staging").GetString());
    }

    [Fact]
    public async Task PromoteProductionThenRollback_ReturnsToThePreviousVersion()
    {
        var sample = SampleCases.Load("breast-cancer", "1").Cases[0];
        using var client = await _app.CreateReadyClientAsync();
        await SetRoutingAsync(client, "breast-cancer", new { production = "1" });

        var promoted = await HttpAssert.OkJsonAsync(await client.PostAsync(Admin("breast-cancer/promote"), Json.Body(new { alias = "production", version = "2" })));
        var afterPromote = await PredictVersionAsync(client, "breast-cancer", sample);
        var rolledBack = await HttpAssert.OkJsonAsync(await client.PostAsync(Admin("breast-cancer/rollback"), content: null));
        var afterRollback = await PredictVersionAsync(client, "breast-cancer", sample);

        Assert.Equal("2", promoted.GetProperty("production").GetString());
        Assert.Equal("2", afterPromote);
        Assert.Equal("1", rolledBack.GetProperty("production").GetString());
        Assert.Equal("1", afterRollback);
    }

    [Fact]
    public async Task Rollback_WithoutPreviousProduction_Returns409()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PostAsync(Admin("diabetes/rollback"), content: null);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SetRouting_ReplacesCanaryAndShadow()
    {
        using var client = await _app.CreateReadyClientAsync();

        var routing = await SetRoutingAsync(client, "breast-cancer", new { production = "1", canary = new { version = "2", percent = 25 }, shadow = "2" });

        Assert.Equal("2", routing.GetProperty("canary").GetProperty("version").GetString());
        Assert.Equal(25, routing.GetProperty("canary").GetProperty("percent").GetDouble());
        Assert.Equal("2", routing.GetProperty("shadow").GetString());
    }

    [Fact]
    public async Task SetRouting_InvalidFields_Returns400NamingThem()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("breast-cancer/routing"), Json.Body(new { production = "1", canary = new { version = "2", percent = 150 } }));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(HttpAssert.Errors(problem), e => e.StartsWith("canary.percent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetRouting_UnknownVersion_Returns404()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("breast-cancer/routing"), Json.Body(new { production = "7" }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"alias\":\"prod\",\"version\":\"2\"}", "alias: 'prod' is not an alias")]
    [InlineData("{\"version\":\"2\"}", "alias: required")]
    [InlineData("{\"alias\":\"production\"}", "version: required")]
    [InlineData("{\"alias\":\"production\",\"version\":2}", "version: required")]
    [InlineData("{\"alias\":\"production\",\"version\":\"02\"}", "version: '02' is not a valid version")]
    [InlineData("{\"alias\":\"production\",\"version\":\"2\",\"force\":true}", "force: unknown field")]
    public async Task Promote_InvalidBody_Returns400NamingTheField(string body, string expected)
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PostAsync(Admin("breast-cancer/promote"), Json.Raw(body));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(HttpAssert.Errors(problem), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Promote_UnknownVersion_Returns404()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PostAsync(Admin("breast-cancer/promote"), Json.Body(new { alias = "production", version = "9" }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Upload_ValidPackage_Returns201AndTheVersionServes()
    {
        var sample = SampleCases.Load("diabetes", "1").Cases[5];
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("diabetes/versions/2"), Zip(PackageAs("diabetes", "1", "2")));

        var created = await HttpAssert.OkJsonAsync(response, HttpStatusCode.Created);
        Assert.Equal("2", created.GetProperty("version").GetString());
        Assert.Equal("store", created.GetProperty("source").GetString());
        Assert.Equal("/api/models/diabetes", response.Headers.Location?.OriginalString);
        using var predicted = await client.PostAsync(new Uri("/api/models/diabetes/versions/2/predict", UriKind.Relative), Json.Instances(sample.Instance));
        PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(predicted)).GetProperty("predictions")[0], "uploaded diabetes v2");
        var routing = (await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/api/models/diabetes", UriKind.Relative)))).GetProperty("routing");
        Assert.Equal("1", routing.GetProperty("production").GetString());
    }

    [Fact]
    public async Task Upload_VersionDifferentFromRoute_Returns400()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("diabetes/versions/3"), Zip(PackageAs("diabetes", "1", "2")));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Upload_NotAZip_Returns400()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("diabetes/versions/2"), Zip(new Dictionary<string, byte[]>(), raw: "not a zip at all"u8.ToArray()));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Upload_JsonContentType_Returns415()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("diabetes/versions/2"), Json.Body(new { model = "x" }));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Upload_LargerThanTheLimit_Returns413()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("diabetes/versions/2"), Zip(new Dictionary<string, byte[]>(), raw: new byte[(1024 * 1024) + 1]));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Upload_InvalidNames_Returns400()
    {
        using var client = await _app.CreateReadyClientAsync();

        using var response = await client.PutAsync(Admin("..%2F..%2Fetc/versions/x"), Zip(PackageAs("diabetes", "1", "2")));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(2, HttpAssert.Errors(problem).Count);
    }

    internal static Uri Admin(string path) => new("/api/admin/models/" + path, UriKind.Relative);

    internal static async Task<System.Text.Json.JsonElement> SetRoutingAsync(HttpClient client, string model, object routing) =>
        await HttpAssert.OkJsonAsync(await client.PutAsync(Admin(model + "/routing"), Json.Body(routing)));

    private static async Task<string> PredictVersionAsync(HttpClient client, string model, SampleCase sample)
    {
        using var response = await client.PostAsync(new Uri($"/api/models/{model}/predict", UriKind.Relative), Json.Instances(sample.Instance));
        return (await HttpAssert.OkJsonAsync(response)).GetProperty("version").GetString()!;
    }

    /// <summary>The files of a bundled package with model.json's version rewritten to <paramref name="newVersion"/>.</summary>
    internal static Dictionary<string, byte[]> PackageAs(string model, string version, string newVersion)
    {
        var folder = Path.Combine(RepoPaths.Models, model, version);
        var files = Directory.EnumerateFiles(folder).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        var manifest = JsonNode.Parse(files["model.json"])!;
        manifest["version"] = newVersion;
        files["model.json"] = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return files;
    }

    internal static ByteArrayContent Zip(Dictionary<string, byte[]> files, byte[]? raw = null)
    {
        if (raw is null)
        {
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var (name, bytes) in files)
                {
                    using var entry = zip.CreateEntry(name).Open();
                    entry.Write(bytes);
                }
            }

            raw = buffer.ToArray();
        }

        var content = new ByteArrayContent(raw);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }
}
