using System.Net;
using System.Text.Json;
using Shipyard.Functions.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Functions.Tests.CustomHandler;

/// <summary>
/// The payloads the Functions host sends a custom handler, as documented in
/// https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers: with enableProxyingHttpRequest the
/// original request on its original path; without it, POST /{FunctionName} with Data.req and the answer in Outputs.res.
/// </summary>
public sealed class HttpTriggerInvocationMiddlewareTests : IClassFixture<HttpTriggerInvocationMiddlewareTests.Factory>
{
    private readonly Factory _factory;

    public HttpTriggerInvocationMiddlewareTests(Factory factory)
    {
        _factory = factory;
    }

    [Fact]
    public async Task Proxied_OriginalRequestOnOriginalPath_IsServedWithoutKey_BecauseTheHostCheckedIt()
    {
        var sample = SampleCases.Load("diabetes", "1").Cases[0];
        using var client = await _factory.CreateReadyClientAsync(key: null);

        // What the host forwards with enableProxyingHttpRequest: the caller's request, its path and headers.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/models/diabetes/predict?code=host-checked-this", UriKind.Relative))
        {
            Content = Json.Instances(sample.Instance),
        };
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await client.SendAsync(request);

        var body = await HttpAssert.OkJsonAsync(response);
        PredictionAssert.Equal(sample, body.GetProperty("predictions")[0], "proxied");
    }

    [Fact]
    public async Task HttpTriggerPayload_Predict_AnswersInOutputsRes()
    {
        var sample = SampleCases.Load("diabetes", "1").Cases[2];
        var originalBody = JsonSerializer.Serialize(new { instances = new[] { sample.Instance } });
        using var client = await _factory.CreateReadyClientAsync(key: null);

        // The documented shape (Data.req: Url, Method, Query, Headers, Params, Body; Metadata with sys).
        var payload = new
        {
            Data = new
            {
                req = new
                {
                    Url = "http://localhost:7071/api/models/diabetes/versions/1/predict",
                    Method = "POST",
                    Query = "{}",
                    Headers = new Dictionary<string, string[]> { ["Content-Type"] = ["application/json"], ["X-Request-Key"] = ["customer-1"] },
                    Params = new { name = "diabetes", path = "versions/1/predict" },
                    Body = originalBody,
                },
            },
            Metadata = new
            {
                name = "diabetes",
                path = "versions/1/predict",
                Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
                sys = new { MethodName = "Predict", UtcNow = "2026-11-22T00:00:00.0000000Z", RandGuid = "24ad4c06-24ad-4e5b-8294-3da9714877e9" },
            },
        };

        using var response = await client.PostAsync(new Uri("/Predict", UriKind.Relative), Json.Body(payload));

        var envelope = await HttpAssert.OkJsonAsync(response);
        var res = envelope.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Contains("application/json", res.GetProperty("headers").GetProperty("Content-Type").GetString(), StringComparison.Ordinal);
        using var inner = JsonDocument.Parse(res.GetProperty("body").GetString()!);
        Assert.Equal("1", inner.RootElement.GetProperty("version").GetString());
        PredictionAssert.Equal(sample, inner.RootElement.GetProperty("predictions")[0], "invocation payload");
        Assert.Equal(JsonValueKind.Array, envelope.GetProperty("Logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, envelope.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task HttpTriggerPayload_HealthGet_QueryInUrl()
    {
        using var client = await _factory.CreateReadyClientAsync(key: null);
        var payload = new { Data = new { req = new { Url = "http://localhost:7071/api/health?verbose=1", Method = "GET", Query = "{\"verbose\":\"1\"}", Headers = new { }, Params = new { }, Body = (string?)null } }, Metadata = new { } };

        using var response = await client.PostAsync(new Uri("/Health", UriKind.Relative), Json.Body(payload));

        var res = (await HttpAssert.OkJsonAsync(response)).GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Contains("\"ready\"", res.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpTriggerPayload_ErrorsKeepTheirStatusAndProblemBody()
    {
        using var client = await _factory.CreateReadyClientAsync(key: null);
        var payload = new { Data = new { req = new { Url = "http://localhost:7071/api/models/diabetes/predict", Method = "POST", Headers = new { }, Body = "{\"instances\":" } }, Metadata = new { } };

        using var response = await client.PostAsync(new Uri("/Predict", UriKind.Relative), Json.Body(payload));

        var res = (await HttpAssert.OkJsonAsync(response)).GetProperty("Outputs").GetProperty("res");
        Assert.Equal(400, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/problem+json", res.GetProperty("headers").GetProperty("Content-Type").GetString());
    }

    [Fact]
    public async Task HttpTriggerPayload_AdminRouteThroughAFunctionLevelFunction_IsForbidden()
    {
        using var client = await _factory.CreateReadyClientAsync(key: null);
        var payload = new { Data = new { req = new { Url = "http://localhost:7071/api/admin/models/diabetes/rollback", Method = "POST", Headers = new { }, Body = "" } }, Metadata = new { } };

        using var response = await client.PostAsync(new Uri("/Predict", UriKind.Relative), Json.Body(payload));

        var res = (await HttpAssert.OkJsonAsync(response)).GetProperty("Outputs").GetProperty("res");
        Assert.Equal(403, res.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task HttpTriggerPayload_AdminFunction_ReachesAdminRoutes()
    {
        using var client = await _factory.CreateReadyClientAsync(key: null);
        var payload = new
        {
            Data = new { req = new { Url = "http://localhost:7071/api/admin/models/digits/promote", Method = "POST", Headers = new Dictionary<string, string[]> { ["Content-Type"] = ["application/json"] }, Body = "{\"alias\":\"staging\",\"version\":\"1\"}" } },
            Metadata = new { },
        };

        using var response = await client.PostAsync(new Uri("/Admin", UriKind.Relative), Json.Body(payload));

        var res = (await HttpAssert.OkJsonAsync(response)).GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Contains("\"staging\":\"1\"", res.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"Data\":{}}", "Data.req")]
    [InlineData("{\"Data\":{\"req\":{\"Url\":\"not a url\"}}}", "Data.req.Url")]
    [InlineData("[", "body")]
    public async Task HttpTriggerPayload_Malformed_Returns400WithReasonInLogs(string body, string expected)
    {
        using var client = await _factory.CreateReadyClientAsync(key: null);

        using var response = await client.PostAsync(new Uri("/Models", UriKind.Relative), Json.Raw(body));

        var envelope = await HttpAssert.OkJsonAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith(expected, envelope.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    public sealed class Factory() : ShipyardFactoryFixture(new Dictionary<string, string?>
    {
        // Under the Functions host: TestServer ignores the port, the app trusts the host's key check.
        ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "39999",
    });
}
