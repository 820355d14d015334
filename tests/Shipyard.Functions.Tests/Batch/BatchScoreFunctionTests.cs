using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Batch;
using Shipyard.Functions.Batch;
using Shipyard.Functions.CustomHandler;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests.Batch;

public sealed class BatchScoreFunctionTests
{
    /// <summary>
    /// A blob-trigger invocation as the Functions host sends it to a custom handler
    /// (https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#request-payload): the binding
    /// <c>input</c> carries the blob content in Data; Metadata carries BlobTrigger, name, Uri, Properties, Metadata and sys,
    /// string values JSON-encoded a second time.
    /// </summary>
    private static string Payload(string blobName, string content) => JsonSerializer.Serialize(new
    {
        Data = new { input = content },
        Metadata = new Dictionary<string, object>
        {
            ["BlobTrigger"] = JsonSerializer.Serialize($"batch-in/{blobName}"),
            ["name"] = JsonSerializer.Serialize(blobName),
            ["Uri"] = JsonSerializer.Serialize($"http://127.0.0.1:10000/devstoreaccount1/batch-in/{blobName}"),
            ["Properties"] = new { Length = content.Length, ContentType = "text/csv", ETag = "\"0x8D5431CD4EBF7D9\"" },
            ["Metadata"] = new { },
            ["sys"] = new { MethodName = "BatchScore", UtcNow = "2026-11-22T01:00:00Z", RandGuid = Guid.NewGuid() },
        },
    });

    [Fact]
    public async Task Post_BlobTriggerPayload_ScoresTheBlobFromStorageAndAnswersTheHostShape()
    {
        await using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["Shipyard:Batch:Watcher:Enabled"] = "false",
        }));
        var client = app.CreateClient();
        var store = app.Services.GetRequiredService<IBlobStore>();
        var holdout = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Models, "diabetes", "data", "holdout.csv"));
        await store.CreateContainerIfNotExistsAsync("batch-in");
        await store.UploadTextAsync("batch-in", "diabetes/holdout.csv", holdout);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/BatchScore")
        {
            // Data holds something else on purpose: the handler must stream the blob by name, not use Data.
            Content = new StringContent(Payload("diabetes/holdout.csv", "not the blob"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", ShipyardApplicationFactory.AdminKey);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
        Assert.Contains(body.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains("Completed: succeeded", StringComparison.Ordinal));
        var report = BatchReport.Parse(await store.ReadAllBytesAsync("batch-out", "diabetes/holdout.report.json"));
        Assert.Equal(BatchStatus.Succeeded, report.Status);
        Assert.Equal(holdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1, report.Rows.Scored);

        // The host delivers at least once: the same event again does not score again.
        using var again = new HttpRequestMessage(HttpMethod.Post, "/BatchScore") { Content = new StringContent(Payload("diabetes/holdout.csv", ""), Encoding.UTF8, "application/json") };
        again.Headers.Add("x-functions-key", ShipyardApplicationFactory.AdminKey);
        using var second = await client.SendAsync(again);
        var secondBody = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(secondBody.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains("AlreadyDone", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"Metadata\":{\"BlobTrigger\":\"\\\"batch-in/m/a.csv\\\"\"}}", "m/a.csv")]
    [InlineData("{\"Metadata\":{\"BlobTrigger\":\"batch-in/m/a.csv\"}}", "m/a.csv")]
    [InlineData("{\"Metadata\":{\"blobtrigger\":\"batch-in/m/sub/a.csv\"}}", "m/sub/a.csv")]
    [InlineData("{\"Metadata\":{\"name\":\"\\\"m/a.csv\\\"\"}}", "m/a.csv")]
    [InlineData("{\"Data\":{\"input\":\"x\"},\"Metadata\":{}}", null)]
    public void GetBlobName_DocumentedShapes(string payload, string? expected)
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(payload)!;
        Assert.Equal(expected, BatchScoreFunction.GetBlobName(request));
    }
}
