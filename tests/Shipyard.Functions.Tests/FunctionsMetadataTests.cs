using System.Text.Json;
using Shipyard.Functions.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Functions.Tests;

/// <summary>The functions.metadata the Worker SDK generates from the attributes: the contract the Functions host reads.</summary>
public sealed class FunctionsMetadataTests
{
    // name → (methods, route, authLevel) of every HTTP function: exactly the routes of the HTTP API (DESIGN.md §3).
    private static readonly Dictionary<string, (string Methods, string Route, string AuthLevel)> HttpFunctions = new(StringComparer.Ordinal)
    {
        ["GetHealth"] = ("get", "api/health", "Anonymous"),
        ["KServeLive"] = ("get", "v2/health/live", "Anonymous"),
        ["KServeReady"] = ("get", "v2/health/ready", "Anonymous"),
        ["ListModels"] = ("get", "api/models", "Function"),
        ["GetModel"] = ("get", "api/models/{name}", "Function"),
        ["GetLatestDriftReport"] = ("get", "api/models/{name}/drift", "Function"),
        ["GetLatestDriftReportHtml"] = ("get", "api/models/{name}/drift/latest.html", "Function"),
        ["RecordFeedback"] = ("post", "api/models/{name}/feedback", "Function"),
        ["GetEvaluation"] = ("get", "api/models/{name}/evaluation", "Function"),
        ["GetEvaluationHtml"] = ("get", "api/models/{name}/evaluation/report.html", "Function"),
        ["Predict"] = ("post", "api/models/{name}/predict", "Function"),
        ["PredictVersion"] = ("post", "api/models/{name}/versions/{version}/predict", "Function"),
        ["KServeServerMetadata"] = ("get", "v2", "Function"),
        ["KServeModelMetadata"] = ("get", "v2/models/{name}", "Function"),
        ["KServeModelVersionMetadata"] = ("get", "v2/models/{name}/versions/{version}", "Function"),
        ["KServeModelReady"] = ("get", "v2/models/{name}/ready", "Function"),
        ["KServeModelVersionReady"] = ("get", "v2/models/{name}/versions/{version}/ready", "Function"),
        ["KServeInfer"] = ("post", "v2/models/{name}/infer", "Function"),
        ["KServeVersionInfer"] = ("post", "v2/models/{name}/versions/{version}/infer", "Function"),
        ["UploadVersion"] = ("put", "api/admin/models/{name}/versions/{version}", "Admin"),
        ["Promote"] = ("post", "api/admin/models/{name}/promote", "Admin"),
        ["SetRouting"] = ("put", "api/admin/models/{name}/routing", "Admin"),
        ["Rollback"] = ("post", "api/admin/models/{name}/rollback", "Admin"),
    };

    private static readonly Lazy<JsonElement[]> Functions = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FunctionApp.Folder, "functions.metadata")));
        return [.. document.RootElement.EnumerateArray().Select(f => f.Clone())];
    });

    [Fact]
    public void Metadata_ListsExactlyTheHttpRoutesAndTheThreeTriggers()
    {
        var names = Functions.Value.Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        string[] expected = [.. HttpFunctions.Keys, "BatchScore", "DriftCheck", "StreamScore"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void HttpFunctions_HaveTheirRouteMethodAndAuthLevel()
    {
        foreach (var (name, (methods, route, authLevel)) in HttpFunctions)
        {
            var trigger = Trigger(name, "httpTrigger");
            Assert.True(route == trigger.GetProperty("route").GetString(), $"{name}: route {trigger.GetProperty("route")}");
            Assert.True(string.Equals(authLevel, trigger.GetProperty("authLevel").GetString(), StringComparison.OrdinalIgnoreCase), $"{name}: authLevel {trigger.GetProperty("authLevel")}");
            Assert.Equal(new[] { methods }, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()));
        }
    }

    [Fact]
    public void AdminRoutes_AreAdminLevel_AndNoOtherRouteIs()
    {
        foreach (var (name, (_, route, authLevel)) in HttpFunctions)
        {
            Assert.Equal(route.StartsWith("api/admin/", StringComparison.Ordinal), authLevel == "Admin");
        }
    }

    [Fact]
    public void BatchScore_IsAnEventGridBlobTrigger_BindingAClientNotTheContent()
    {
        var trigger = Trigger("BatchScore", "blobTrigger");
        Assert.Equal("batch-in/{model}/{file}", trigger.GetProperty("path").GetString());
        Assert.Equal("EventGrid", trigger.GetProperty("source").GetString(), StringComparer.OrdinalIgnoreCase);

        // Deferred binding: the host sends a reference (container, blob name, connection), the worker makes the BlobClient.
        Assert.Equal("True", trigger.GetProperty("properties").GetProperty("supportsDeferredBinding").GetString(), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void DriftCheck_IsATimerOnTheDriftScheduleSetting()
    {
        var trigger = Trigger("DriftCheck", "timerTrigger");
        Assert.Equal("%DRIFT_SCHEDULE%", trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void StreamScore_ReadsScoreRequests_AndWritesScoreResults()
    {
        Assert.Equal("score-requests", Trigger("StreamScore", "queueTrigger").GetProperty("queueName").GetString());
        var output = Binding("StreamScore", "queue");
        Assert.Equal("score-results", output.GetProperty("queueName").GetString());
        Assert.Equal("Out", output.GetProperty("direction").GetString(), StringComparer.OrdinalIgnoreCase);
    }

    private static JsonElement Trigger(string function, string type) => Binding(function, type);

    private static JsonElement Binding(string function, string type)
    {
        var entry = Functions.Value.Single(f => f.GetProperty("name").GetString() == function);
        return entry.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == type);
    }
}
