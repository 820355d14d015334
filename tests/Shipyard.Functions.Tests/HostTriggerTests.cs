using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests;

/// <summary>The blob (Event Grid), queue and timer triggers through the real Functions host, against Azurite.</summary>
[Collection(FunctionsHostGroup.Name)]
public sealed class HostTriggerTests(FunctionsHostFixture host)
{
    private static readonly TimeSpan TriggerLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task BatchScore_EventGridBlobCreated_PublishesTheOutputs()
    {
        var cases = SampleCases.Load("breast-cancer", "1");
        var csv = new StringBuilder(string.Join(',', cases.Features)).Append('\n');
        foreach (var row in cases.Cases)
        {
            csv.AppendJoin(',', cases.Features.Select(f => Convert.ToString(row.Instance[f], CultureInfo.InvariantCulture))).Append('\n');
        }

        var blob = $"breast-cancer/host-{Guid.NewGuid():N}.csv";
        await host.Blobs.CreateContainerIfNotExistsAsync("batch-in");
        await host.Blobs.UploadTextAsync("batch-in", blob, csv.ToString());

        using var response = await PostBlobCreatedAsync(blob);
        Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

        var stem = blob[..^".csv".Length];
        var report = await host.EventuallyAsync(() => ReadOrNullAsync("batch-out", $"{stem}.report.json"), TriggerLimit, $"batch-out/{stem}.report.json");
        using var document = JsonDocument.Parse(report);
        Assert.Equal("succeeded", document.RootElement.GetProperty("status").GetString());
        var scored = await host.Blobs.ReadAllTextAsync("batch-out", $"{stem}.scored.csv");
        Assert.Equal(cases.Cases.Count + 1, scored.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task BatchScore_BadFile_FailedReportOnce_NotRetried()
    {
        // A header naming none of the model's features: bad input, answered with a failed report, never a retry loop.
        var blob = $"breast-cancer/bad-{Guid.NewGuid():N}.csv";
        await host.Blobs.CreateContainerIfNotExistsAsync("batch-in");
        await host.Blobs.UploadTextAsync("batch-in", blob, "colour,size\nred,3\n");

        using var response = await PostBlobCreatedAsync(blob);
        Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}");

        var stem = blob[..^".csv".Length];
        var report = await host.EventuallyAsync(() => ReadOrNullAsync("batch-out", $"{stem}.report.json"), TriggerLimit, $"batch-out/{stem}.report.json");
        using var document = JsonDocument.Parse(report);
        Assert.Equal("failed", document.RootElement.GetProperty("status").GetString());
        Assert.Null(await host.Blobs.GetPropertiesAsync("batch-out", $"{stem}.scored.csv"));
        Assert.DoesNotContain($"Executed 'Functions.BatchScore' (Failed", host.HostLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamScore_QueueMessage_ProducesItsResult()
    {
        var id = $"host-{Guid.NewGuid():N}";
        var instance = SampleCases.Load("diabetes", "1").Cases[0].Instance;
        var message = JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = id, ["model"] = "diabetes", ["version"] = "1", ["instances"] = new[] { instance } });
        await host.Queues.CreateQueueIfNotExistsAsync("score-requests");
        await host.Queues.CreateQueueIfNotExistsAsync("score-results");
        await host.Queues.SendAsync("score-requests", message);

        var result = await host.EventuallyAsync(async () =>
        {
            foreach (var received in await host.Queues.ReceiveAsync("score-results", 32, TimeSpan.FromSeconds(1)))
            {
                if (received.Text.Contains(id, StringComparison.Ordinal))
                {
                    return received.Text;
                }
            }

            return null;
        }, TriggerLimit, $"a score-results message for {id}");
        using var document = JsonDocument.Parse(result);
        Assert.Equal(id, document.RootElement.GetProperty("id").GetString());
        Assert.True(document.RootElement.GetProperty("predictions")[0].GetProperty("value").GetDouble() is > 0 and < 1000);
    }

    [Fact]
    public async Task DriftCheck_OnItsSchedule_WritesAReport()
    {
        // Predictions first, so the window has records to compare (DRIFT_MIN_ROWS is 1 under test).
        var cases = SampleCases.Load("diabetes", "1");
        using var predicted = await host.Client.PostAsJsonAsync(
            new Uri($"api/models/diabetes/versions/1/predict?code={host.FunctionKey}", UriKind.Relative),
            new { instances = cases.Cases.Select(c => c.Instance).ToArray() });
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);

        var report = await host.EventuallyAsync(async () =>
        {
            try
            {
                await foreach (var blob in host.Blobs.ListAsync("drift-reports", "diabetes/1/"))
                {
                    if (blob.Name.EndsWith(".json", StringComparison.Ordinal))
                    {
                        return blob.Name;
                    }
                }
            }
            catch (BlobNotFoundException)
            {
                // The container appears with the first report.
            }

            return null;
        }, TriggerLimit, "a drift-reports/diabetes/1/*.json report (DRIFT_SCHEDULE " + FunctionsHostFixture.DriftSchedule + ")");
        Assert.NotNull(await host.Blobs.GetPropertiesAsync("drift-reports", report[..^".json".Length] + ".html"));
    }

    private async Task<HttpResponseMessage> PostBlobCreatedAsync(string blob)
    {
        var url = new Uri(BlobEndpoint(host.StorageConnection), $"batch-in/{blob}");
        var events = new[]
        {
            new
            {
                id = Guid.NewGuid().ToString(),
                topic = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/test/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
                subject = $"/blobServices/default/containers/batch-in/blobs/{blob}",
                eventType = "Microsoft.Storage.BlobCreated",
                eventTime = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                dataVersion = string.Empty,
                metadataVersion = "1",
                data = new { api = "PutBlob", contentType = "text/csv", blobType = "BlockBlob", url = url.ToString(), sequencer = "0" },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post,
            new Uri($"runtime/webhooks/blobs?functionName=Host.Functions.BatchScore&code={host.BlobsExtensionKey}", UriKind.Relative))
        {
            Content = JsonContent.Create(events),
        };
        request.Headers.Add("aeg-event-type", "Notification");
        return await host.Client.SendAsync(request);
    }

    private async Task<string?> ReadOrNullAsync(string container, string name)
    {
        try
        {
            return await host.Blobs.ReadAllTextAsync(container, name);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    // The BlobEndpoint of an Azurite connection string, with a trailing slash (…/devstoreaccount1/).
    private static Uri BlobEndpoint(string connection)
    {
        var endpoint = connection.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Single(kv => kv[0].Equals("BlobEndpoint", StringComparison.OrdinalIgnoreCase))[1];
        return new Uri(endpoint.TrimEnd('/') + "/");
    }
}
