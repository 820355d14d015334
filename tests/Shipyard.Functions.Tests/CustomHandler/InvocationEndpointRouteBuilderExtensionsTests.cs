using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Functions.CustomHandler;
using Shipyard.Functions.Security;
using Shipyard.Functions.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Functions.Tests.CustomHandler;

/// <summary>MapInvocation with the host's documented queue-trigger payload, on a minimal app of its own.</summary>
public sealed class InvocationEndpointRouteBuilderExtensionsTests
{
    // The request payload from Microsoft's custom handler documentation (queue trigger with a $return queue output).
    private const string QueuePayload = """
        {
          "Data": {
            "myQueueItem": "{ message: \"Message sent\" }"
          },
          "Metadata": {
            "DequeueCount": 1,
            "ExpirationTime": "2019-10-16T17:58:31+00:00",
            "Id": "800ae4b3-bdd2-4c08-badd-f08e5a34b865",
            "InsertionTime": "2019-10-09T17:58:31+00:00",
            "NextVisibleTime": "2019-10-09T18:08:32+00:00",
            "PopReceipt": "AgAAAAMAAAAAAAAAAgtnj8x+1QE=",
            "sys": {
              "MethodName": "QueueTrigger",
              "UtcNow": "2019-10-09T17:58:32.2205399Z",
              "RandGuid": "24ad4c06-24ad-4e5b-8294-3da9714877e9"
            }
          }
        }
        """;

    [Fact]
    public async Task Invocation_HandlerOutputs_AreReturnedWithItsLogs()
    {
        await using var app = await StartAsync(customHandlerPort: "40001", (request, context) =>
        {
            context.Log($"dequeued {request.GetMetadata("dequeuecount")}");
            var outputs = new Dictionary<string, object?> { ["outQueue"] = new[] { request.GetDataString("myQueueItem") } };
            return Task.FromResult<InvocationResponse?>(new InvocationResponse(outputs, ["from handler"], "{\"hello\":\"world\"}"));
        });

        using var response = await app.GetTestClient().PostAsync(new Uri("/QueueFunction", UriKind.Relative), Json.Raw(QueuePayload));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.Equal("{ message: \"Message sent\" }", body.GetProperty("Outputs").GetProperty("outQueue")[0].GetString());
        Assert.Equal(["from handler", "dequeued 1"], body.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("{\"hello\":\"world\"}", body.GetProperty("ReturnValue").GetString());
        Assert.Equal("QueueTrigger", JsonSerializer.Deserialize<InvocationRequest>(QueuePayload)!.GetMetadata("sys")!.Value.GetProperty("MethodName").GetString());
    }

    [Fact]
    public async Task Invocation_HandlerThrows_Returns500WithTheErrorInLogs()
    {
        await using var app = await StartAsync(customHandlerPort: "40001", (_, _) => throw new InvalidOperationException("blob vanished"));

        using var response = await app.GetTestClient().PostAsync(new Uri("/QueueFunction", UriKind.Relative), Json.Raw(QueuePayload));

        var body = await HttpAssert.OkJsonAsync(response, HttpStatusCode.InternalServerError);
        Assert.Contains("blob vanished", body.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocation_MalformedPayload_Returns400()
    {
        await using var app = await StartAsync(customHandlerPort: "40001", (_, _) => Task.FromResult<InvocationResponse?>(null));

        using var response = await app.GetTestClient().PostAsync(new Uri("/QueueFunction", UriKind.Relative), Json.Raw("{\"Data\":"));

        var body = await HttpAssert.OkJsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("QueueFunction", body.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocation_Standalone_NeedsTheAdminKey()
    {
        await using var app = await StartAsync(customHandlerPort: null, (_, _) => Task.FromResult<InvocationResponse?>(null));
        using var client = app.GetTestClient();

        using var anonymous = await client.PostAsync(new Uri("/QueueFunction", UriKind.Relative), Json.Raw(QueuePayload));
        client.DefaultRequestHeaders.Add("x-functions-key", "admin-secret");
        using var admin = await client.PostAsync(new Uri("/QueueFunction", UriKind.Relative), Json.Raw(QueuePayload));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    private static async Task<WebApplication> StartAsync(string? customHandlerPort, InvocationHandler handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = customHandlerPort,
            ["Shipyard:Auth:AdminKey"] = "admin-secret",
        });
        builder.Services.AddSingleton<CustomHandlerEnvironment>();
        builder.Services.AddShipyardSecurity(builder.Configuration);
        builder.Services.AddRateLimiter(_ => { });
        var app = builder.Build();
        app.UseAuthorization();
        app.MapInvocation("QueueFunction", handler);
        await app.StartAsync();
        return app;
    }
}
