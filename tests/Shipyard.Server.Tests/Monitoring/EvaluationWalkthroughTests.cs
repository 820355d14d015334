using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Server.Tests.Apis;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Monitoring;

/// <summary>
/// docs/evaluation.md end to end, over HTTP on the real app, on the embedded file store and on Azurite: v2 as a 20%
/// canary, traffic with sticky keys, outcomes posted (the canary is made to look worse: its outcomes contradict a third
/// of its answers, production's confirm every answer), the report and its verdict over the API, the HTML page and the
/// CLI, and the scheduled check writing the report and — with the automatic action on — rolling the canary back.
/// </summary>
public sealed class EvaluationWalkthroughTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Walkthrough_CanaryWorse_VerdictRollBack_ScheduledCheckRollsItBack(bool useAzurite)
    {
        using var app = new DriftTestApp(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = useAzurite ? azurite.ConnectionString : null,
            ["Shipyard:Evaluation:MinimumOutcomes"] = "20",
            ["Shipyard:Evaluation:AutoRollback"] = "true",
        });

        // Azurite is shared by every test: a clock years ahead gives this run its own prediction hours.
        app.Clock.Advance(TimeSpan.FromDays(3650 + Random.Shared.Next(36_500)));
        using var admin = await app.ClientAsync(ShipyardApplicationFactory.AdminKey);
        using var client = await app.ClientAsync();
        await AdminApiTests.SetRoutingAsync(admin, "breast-cancer", new { production = "1", canary = new { version = "2", percent = 20 } });

        // 1. Traffic: one patient per request, sticky by patient.
        var answers = new List<(string Id, string Version, string Label)>();
        var rows = DriftTestApp.BreastCancerRows("holdout.csv");
        for (var i = 0; i < rows.Count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/models/breast-cancer/predict", UriKind.Relative)) { Content = Json.Instances(rows[i]) };
            request.Headers.Add("X-Request-Key", $"patient-{i}");
            var body = await HttpAssert.OkJsonAsync(await client.SendAsync(request));
            var prediction = body.GetProperty("predictions")[0];
            answers.Add((prediction.GetProperty("predictionId").GetString()!, body.GetProperty("version").GetString()!, prediction.GetProperty("label").GetString()!));
        }

        var canary = answers.Where(a => a.Version == "2").ToList();
        var production = answers.Where(a => a.Version == "1").ToList();
        Assert.InRange(canary.Count, 20, 80); // 20% of 200: mean 40, sd 5.7
        Assert.Equal(answers.Count, answers.Select(a => a.Id).Distinct().Count());
        await app.Services.GetRequiredService<PredictionLogWriter>().FlushAsync();

        // 2. Outcomes, later: production right every time, the canary wrong on every third answer; one id is not ours.
        app.Clock.Advance(TimeSpan.FromHours(3));
        var outcomes = answers.Select((a, i) => new { predictionId = a.Id, actual = a.Version == "2" && i % 3 == 0 ? Other(a.Label) : a.Label }).ToList();
        var stranger = PredictionIds.New("diabetes", app.Clock.GetUtcNow());
        var receipt = await HttpAssert.OkJsonAsync(await client.PostAsync(new Uri("/api/models/breast-cancer/feedback", UriKind.Relative),
            Json.Body(new { outcomes = outcomes.Append(new { predictionId = stranger, actual = "benign" }) })));
        Assert.Equal(answers.Count, receipt.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(receipt.GetProperty("rejected").EnumerateArray());
        Assert.Equal(stranger, rejected.GetProperty("predictionId").GetString());

        // Posting the same outcomes again replaces them: counted once.
        Assert.Equal(answers.Count, (await HttpAssert.OkJsonAsync(await client.PostAsync(new Uri("/api/models/breast-cancer/feedback", UriKind.Relative), Json.Body(new { outcomes })))).GetProperty("accepted").GetInt32());

        // 3. The verdict over the API.
        var report = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/api/models/breast-cancer/evaluation?window=1d", UriKind.Relative)));
        Assert.Equal("breast-cancer", report.GetProperty("model").GetString());
        var v1 = report.GetProperty("versions").GetProperty("1");
        var v2 = report.GetProperty("versions").GetProperty("2");
        Assert.Equal(["production"], v1.GetProperty("arms").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["canary"], v2.GetProperty("arms").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal((production.Count, production.Count), (v1.GetProperty("count").GetInt32(), v1.GetProperty("withOutcome").GetInt32()));
        Assert.Equal((canary.Count, canary.Count), (v2.GetProperty("count").GetInt32(), v2.GetProperty("withOutcome").GetInt32()));
        var canaryAccuracy = (double)canary.Count(a => answers.IndexOf(a) % 3 != 0) / canary.Count;
        Assert.Equal(1.0, v1.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(canaryAccuracy, v2.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
        Assert.True(v2.GetProperty("estimated").GetProperty("accuracy").GetDouble() > 0.5);
        var comparison = report.GetProperty("comparison");
        Assert.Equal(("1", "2", "accuracy"), (comparison.GetProperty("baseline").GetString(), comparison.GetProperty("candidate").GetString(), comparison.GetProperty("metric").GetString()));
        Assert.Equal(canaryAccuracy - 1.0, comparison.GetProperty("difference").GetDouble(), 12);
        Assert.True(comparison.GetProperty("pValue").GetDouble() < 0.05);
        Assert.Equal(VersionComparison.RollBack, comparison.GetProperty("verdict").GetString());
        Assert.Equal(0, report.GetProperty("unmatchedOutcomes").GetInt64());

        // The page.
        using (var html = await client.GetAsync(new Uri("/api/models/breast-cancer/evaluation/report.html?window=1d", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, html.StatusCode);
            Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
            var page = await html.Content.ReadAsStringAsync();
            Assert.Contains("Roll back the canary: breast-cancer", page, StringComparison.Ordinal);
            Assert.Contains("id=\"timeline\"", page, StringComparison.Ordinal);
            Assert.Contains("id=\"calibration\"", page, StringComparison.Ordinal);
        }

        // The CLI over the same store writes the same document (and exits 3 for "roll back").
        var output = Path.Combine(Path.GetTempPath(), $"evaluation-{Guid.NewGuid():N}.json");
        try
        {
            var store = useAzurite ? new[] { "--connection-string", azurite.ConnectionString } : ["--data-path", app.DataPath];
            var until = app.Clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var exit = await RunCliAsync(["evaluate", "--model", "breast-cancer", "--window", "1d", "--until", until, "--minimum-outcomes", "20", "--output", output, .. store]);
            Assert.True(exit == 3, await File.ReadAllTextAsync(output));
            using var cli = JsonDocument.Parse(await File.ReadAllBytesAsync(output));
            Assert.Equal(comparison.GetProperty("verdict").GetString(), cli.RootElement.GetProperty("comparison").GetProperty("verdict").GetString());
            Assert.Equal(v2.GetProperty("metrics").GetRawText(), cli.RootElement.GetProperty("versions").GetProperty("2").GetProperty("metrics").GetRawText());
        }
        finally
        {
            File.Delete(output);
        }

        // 4. The scheduled check: report blobs, telemetry per arm, and the automatic action.
        await app.InvokeDriftCheckAsync();
        var blobs = new List<string>();
        await foreach (var blob in app.Store.ListAsync(Shipyard.Http.Apis.DriftApi.ReportContainer, "breast-cancer/evaluation/"))
        {
            blobs.Add(blob.Name);
        }

        Assert.Contains(blobs, b => b.EndsWith(".json", StringComparison.Ordinal));
        Assert.Contains(blobs, b => b.EndsWith(".html", StringComparison.Ordinal));
        Assert.Contains(app.Telemetry.Metrics, m => m.Name == EvaluationCheck.MetricName && m.Properties["version"] == "2" && m.Properties["arm"] == "canary" && m.Properties["metric"] == "accuracy" && m.Properties["kind"] == "realized");
        var rolledBack = Assert.Single(app.Telemetry.Events, e => e.Name == EvaluationCheck.RolledBackEvent);
        Assert.Equal("2", rolledBack.Properties["version"]);
        var model = await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri("/api/models/breast-cancer", UriKind.Relative)));
        var routing = model.GetProperty("routing");
        Assert.Equal("1", routing.GetProperty("production").GetString());
        Assert.True(!routing.TryGetProperty("canary", out var left) || left.ValueKind == JsonValueKind.Null);
    }

    private static string Other(string label) => label == "benign" ? "malignant" : "benign";

    /// <summary>Runs the built CLI (as built next to this test assembly's configuration); its exit code.</summary>
    private static async Task<int> RunCliAsync(IEnumerable<string> arguments)
    {
        var cli = Path.Combine(RepoPaths.Root, "src", "Shipyard.Cli", "bin", BuiltApp.Configuration, "net10.0", "Shipyard.Cli");
        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode is 0 or 3, $"shipyard evaluate exited {process.ExitCode}: {await stdout}{await stderr}");
        return process.ExitCode;
    }
}
