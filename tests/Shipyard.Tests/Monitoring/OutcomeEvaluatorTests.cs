using System.Text.Json;
using Shipyard.Models;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>The evaluation document: per version counts, metrics and estimates, and the canary against production.</summary>
public class OutcomeEvaluatorTests
{
    private static readonly ModelManifest BreastCancer = ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, "breast-cancer", "2", "model.json")));
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly EvaluationWindow Window = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(7));

    [Fact]
    public void Evaluate_WorseCanary_CountsEveryPredictionAndSaysRollBack()
    {
        var rows = Rows("1", "production", 2000, correct: 0.85, withOutcome: 0.9).Concat(Rows("2", "canary", 800, correct: 0.70, withOutcome: 0.5));

        var report = OutcomeEvaluator.Evaluate(BreastCancer, Window, rows, production: "1", canary: "2", minimumCount: 100);

        var production = report.Versions["1"];
        Assert.Equal(["production"], production.Arms);
        Assert.Equal(2000, production.Count);
        Assert.Equal(1800, production.WithOutcome);
        Assert.Equal(0.85, production.Metrics["accuracy"]!.Value, 0.01);
        Assert.InRange(production.Intervals["accuracy"][0], 0.80, production.Metrics["accuracy"]!.Value);
        Assert.NotNull(production.Estimated!["accuracy"]);
        Assert.Equal(400, report.Versions["2"].WithOutcome);
        Assert.Equal(VersionComparison.RollBack, report.Comparison!.Verdict);
        Assert.True(report.Comparison.Difference!.Value < 0);
    }

    [Fact]
    public void Evaluate_FewOutcomes_SaysNotEnoughData()
    {
        var rows = Rows("1", "production", 500, 0.9, 0.1).Concat(Rows("2", "canary", 500, 0.5, 0.1));

        var report = OutcomeEvaluator.Evaluate(BreastCancer, Window, rows, "1", "2", minimumCount: 100);

        Assert.Equal(VersionComparison.NotEnoughData, report.Comparison!.Verdict);
    }

    [Fact]
    public void Report_SerializesWithTheDocumentedNames()
    {
        var report = OutcomeEvaluator.Evaluate(BreastCancer, Window, Rows("1", "production", 300, 0.8, 1).Concat(Rows("2", "canary", 300, 0.8, 1)), "1", "2", 100);

        var json = JsonSerializer.SerializeToElement(report, Web);

        Assert.Equal("breast-cancer", json.GetProperty("model").GetString());
        Assert.True(json.GetProperty("window").TryGetProperty("from", out _));
        var version = json.GetProperty("versions").GetProperty("1");
        foreach (var name in new[] { "arms", "count", "withOutcome", "metrics", "intervals", "estimated" })
        {
            Assert.True(version.TryGetProperty(name, out _), name);
        }

        foreach (var name in new[] { "accuracy", "logLoss", "rocAuc", "macroF1", "expectedCalibrationError" })
        {
            Assert.True(version.GetProperty("metrics").TryGetProperty(name, out _), name);
        }

        var comparison = json.GetProperty("comparison");
        foreach (var name in new[] { "baseline", "candidate", "metric", "difference", "ci95", "pValue", "verdict" })
        {
            Assert.True(comparison.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public void Evaluate_Timeline_OneBucketPerDayWithItsAccuracyAndInterval()
    {
        var rows = Rows("1", "production", 700, correct: 0.8, withOutcome: 1).Select((r, i) => r with { Time = Window.From.AddDays(i % 7).AddHours(3) });

        var timeline = OutcomeEvaluator.Evaluate(BreastCancer, Window, rows, "1", null, 100).Versions["1"].Timeline;

        Assert.Equal(Enumerable.Range(0, 7).Select(d => Window.From.AddDays(d)), timeline.Select(p => p.From));
        Assert.All(timeline, p => Assert.Equal((100, 100, "accuracy"), (p.Count, p.WithOutcome, p.Metric)));
        var all = Rows("1", "production", 700, 0.8, 1).ToList();
        for (var d = 0; d < 7; d++)
        {
            var day = all.Where((_, i) => i % 7 == d).ToList();
            Assert.Equal((double)day.Count(r => r.Label == r.ActualLabel) / day.Count, timeline[d].Value!.Value, 12);
            Assert.Equal(MetricIntervals.Wilson(timeline[d].Value!.Value, 100), timeline[d].Ci95);
        }
    }

    [Fact]
    public void Evaluate_RegressorTimeline_OneBucket_EqualsTheVersionsOwnMaeAndInterval()
    {
        var diabetes = ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, "diabetes", "1", "model.json")));
        var random = new Random(7);
        var rows = Enumerable.Range(0, 300).Select(i => new ScoredOutcome("1", "production", null, null, 150 + (50 * random.NextDouble()), null, i % 10 == 0 ? null : 150 + (80 * random.NextDouble()))
        {
            Time = Window.From.AddHours(5),
        }).Append(new ScoredOutcome("1", "production", null, null, 150, null, double.NaN) { Time = Window.From.AddHours(5) }); // not a finite outcome: not scored

        var version = OutcomeEvaluator.Evaluate(diabetes, Window, rows, "1", null, 100).Versions["1"];

        var point = Assert.Single(version.Timeline);
        Assert.Equal((301L, 270L, "mae"), (point.Count, point.WithOutcome, point.Metric));
        Assert.Equal(version.Metrics["mae"], point.Value);
        Assert.Equal(version.Intervals["mae"], point.Ci95);
    }

    [Fact]
    public void ReportJson_RoundTripsTheDocumentInTheIssuesShape()
    {
        var report = OutcomeEvaluator.Evaluate(BreastCancer, Window, Rows("1", "production", 300, 0.85, 1).Concat(Rows("2", "canary", 300, 0.6, 1)), "1", "2", 100);

        var json = JsonDocument.Parse(EvaluationReportJson.Write(report)).RootElement;

        Assert.Equal(["model", "window", "versions", "comparison", "unmatchedOutcomes"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["arms", "count", "withOutcome", "metrics", "intervals", "estimated", "calibration", "timeline"], json.GetProperty("versions").GetProperty("1").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["accuracy", "logLoss", "rocAuc", "macroF1", "expectedCalibrationError"], json.GetProperty("versions").GetProperty("1").GetProperty("metrics").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["baseline", "candidate", "metric", "test", "difference", "ci95", "pValue", "verdict"], json.GetProperty("comparison").EnumerateObject().Select(p => p.Name));
        Assert.Equal(report.Comparison!.Verdict, EvaluationReportJson.Read(EvaluationReportJson.Write(report))!.Comparison!.Verdict);
    }

    [Fact]
    public async Task Html_SelfContained_EncodesNames_AndRendersInHeadlessChromium()
    {
        var rows = Rows("1", "production", 600, 0.9, 1).Concat(Rows("2", "canary", 300, 0.6, 1)).Select((r, i) => r with { Time = Window.From.AddDays(i % 7) });
        var report = OutcomeEvaluator.Evaluate(BreastCancer, Window, rows, "1", "2", 100) with { Model = "<b>breast-cancer</b>" };

        var html = EvaluationReportHtml.Render(report);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>breast-cancer</b>", html, StringComparison.Ordinal);
        Assert.Contains("Roll back the canary: &lt;b&gt;breast-cancer&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("id=\"timeline\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"calibration\"", html, StringComparison.Ordinal);
        var root = Directory.CreateTempSubdirectory("shipyard-evaluation-html-").FullName;
        try
        {
            var page = Path.Combine(root, "evaluation.html");
            await File.WriteAllTextAsync(page, html);
            var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
            await HeadlessChromium.AssertRendersAsync(page, Path.Combine(artifacts, "evaluation-report.png"), root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Predictions of one version: benign with probability 0.8 when right, outcomes known for a share of them.</summary>
    private static IEnumerable<ScoredOutcome> Rows(string version, string arm, int count, double correct, double withOutcome)
    {
        var random = new Random(version.GetHashCode(StringComparison.Ordinal));
        for (var i = 0; i < count; i++)
        {
            var right = i < correct * count;
            var p = 0.55 + (0.4 * random.NextDouble());
            yield return new ScoredOutcome(version, arm, "benign", new Dictionary<string, double> { ["benign"] = p, ["malignant"] = 1 - p }, null,
                i % 10 < (int)Math.Round(withOutcome * 10) ? (right ? "benign" : "malignant") : null, null);
        }
    }
}
