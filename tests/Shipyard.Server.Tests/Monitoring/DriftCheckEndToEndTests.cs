using System.Net;
using Shipyard.Server.Monitoring;
using Shipyard.Monitoring;
using Shipyard.Http.Apis;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Monitoring;

/// <summary>
/// Issue 7 end to end, over HTTP on the real app (real ORT, file store, file queue): holdout rows through predict →
/// DriftCheck → no drift; a day later drifted rows → DriftCheck → the three shifted features (models/breast-cancer/data/README.md)
/// drift, a retraining request is on retrain-requests, DriftDetected is emitted and GET drift returns that report.
/// </summary>
public sealed class DriftCheckEndToEndTests
{
    /// <summary>The 18 of 30 features drifted.csv shifts (a new imaging system; models/breast-cancer/data/README.md).</summary>
    private static readonly string[] ShiftedFeatures =
        [.. new[] { "radius", "perimeter", "area", "texture", "smoothness", "concave_points" }
            .SelectMany(m => new[] { $"mean_{m}", $"{m}_error", $"worst_{m}" }).Order()];

    [Fact]
    public async Task HoldoutThenDrifted_FirstNoDriftThenShiftedFeaturesAndRetrainRequest()
    {
        // Default rule (DESIGN.md §3): the dataset drifts when ≥ 50% of its features do; drifted.csv moves 18 of 30.
        using var app = new DriftTestApp();
        using var client = await app.ClientAsync();

        // Day 1: the held-out split, same distribution as training.
        await app.PredictAsync(DriftTestApp.BreastCancerRows("holdout.csv"));
        var first = await app.InvokeDriftCheckAsync();

        var firstOutcome = DriftTestApp.Outcome(first, "breast-cancer", "1");
        Assert.Equal("no-drift", firstOutcome.GetProperty("status").GetString());
        Assert.False(firstOutcome.GetProperty("retrainRequested").GetBoolean());
        var firstReport = await app.ReadReportAsync(firstOutcome.GetProperty("report").GetString()!);
        Assert.Equal(200, firstReport.GetProperty("rows").GetInt64());
        Assert.Equal("no-drift", firstReport.GetProperty("status").GetString());
        Assert.Empty(firstReport.GetProperty("topDriftedFeatures").EnumerateArray());
        Assert.Equal(30, firstReport.GetProperty("features").GetArrayLength());
        Assert.Empty(await app.RetrainRequestsAsync());
        Assert.DoesNotContain(app.Telemetry.Events, e => e.Name == DriftCheckJob.DriftDetectedEvent);
        using (var latest = await client.GetAsync(new Uri("/api/models/breast-cancer/drift", UriKind.Relative)))
        {
            var body = await HttpAssert.OkJsonAsync(latest);
            Assert.Equal("no-drift", body.GetProperty("status").GetString());
            Assert.Equal(firstReport.GetProperty("created").GetString(), body.GetProperty("created").GetString());
        }

        // Day 2 (the 24 h window no longer holds day 1): the same patients measured at the referral clinic.
        app.Clock.Advance(TimeSpan.FromHours(25));
        await app.PredictAsync(DriftTestApp.BreastCancerRows("drifted.csv"));
        var second = await app.InvokeDriftCheckAsync();

        var outcome = DriftTestApp.Outcome(second, "breast-cancer", "1");
        Assert.True(outcome.GetProperty("alerted").GetBoolean());
        Assert.True(outcome.GetProperty("retrainRequested").GetBoolean());
        var reportBlob = outcome.GetProperty("report").GetString()!;
        var report = await app.ReadReportAsync(reportBlob);
        Assert.Equal(200, report.GetProperty("rows").GetInt64());
        var top = report.GetProperty("topDriftedFeatures").EnumerateArray().Select(f => f.GetString()!).ToArray();
        Assert.Equal(10, top.Length);
        Assert.All(top, name => Assert.Contains(name, ShiftedFeatures));
        Assert.Equal(ShiftedFeatures, report.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("drifted").GetBoolean()).Select(f => f.GetProperty("name").GetString()!).Order());
        Assert.Equal(0.6, report.GetProperty("datasetDrift").GetProperty("driftedShare").GetDouble(), 12);

        var request = Assert.Single(await app.RetrainRequestsAsync());
        Assert.Equal("breast-cancer", request.Model);
        Assert.Equal("1", request.Version);
        Assert.Equal($"drift-reports/{reportBlob}", request.Report);
        Assert.Equal(top, request.TopDriftedFeatures);

        var detected = Assert.Single(app.Telemetry.Events, e => e.Name == DriftCheckJob.DriftDetectedEvent);
        Assert.Equal("breast-cancer", detected.Properties["model"]);
        Assert.Equal("1", detected.Properties["version"]);
        var scores = app.Telemetry.Metrics.Where(m => m.Name == DriftCheckJob.FeatureScoreMetric && m.Properties["model"] == "breast-cancer" && m.Properties["version"] == "1").ToArray();
        Assert.Equal(60, scores.Length); // 30 features × 2 checks
        Assert.Equal(ShiftedFeatures, scores.Skip(30).Where(m => m.Properties["drifted"] == "true").Select(m => m.Properties["feature"]).Order());
        Assert.Equal(2, app.Telemetry.Events.Count(e => e.Name == DriftCheckJob.ReportEvent && e.Properties["model"] == "breast-cancer" && e.Properties["version"] == "1"));

        using var latestResponse = await client.GetAsync(new Uri("/api/models/breast-cancer/drift", UriKind.Relative));
        var latestBody = await HttpAssert.OkJsonAsync(latestResponse);
        Assert.Equal(report.GetProperty("created").GetString(), latestBody.GetProperty("created").GetString());
        Assert.Equal(top, latestBody.GetProperty("topDriftedFeatures").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(HttpStatusCode.OK, latestResponse.StatusCode);
    }
}
