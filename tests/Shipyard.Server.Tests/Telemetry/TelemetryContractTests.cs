using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Batch;
using Shipyard.Server.Streaming;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Server.Tests.Monitoring;
using Shipyard.Storage;
using Shipyard.Streaming;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Telemetry;

/// <summary>
/// The telemetry names the alert rules and dashboards query are a contract (docs/architecture.md "Telemetry and
/// alerts"). The real app, with Application Insights pointed at <see cref="FakeIngestion"/>, goes through the paths that
/// emit them — model loads, predict requests, a drift check on drifted data, a good and a bad batch, a poisoned stream
/// message — and the envelopes the Azure Monitor exporter really sent must carry every event name, metric name and
/// dimension the KQL of infra/modules/alerts.bicep reads. Renaming either side breaks this test.
/// </summary>
public sealed partial class TelemetryContractTests
{
    /// <summary>Dashboard names (docs/architecture.md) that no alert query reads but that must keep their dimensions.</summary>
    private static readonly (string Kind, string Name, string[] Dimensions)[] DashboardContract =
    [
        ("EventData", "ModelLoaded", ["model", "version", "status"]),
        ("MetricData", "RowsPerSecond", ["model"]),
        ("MetricData", "EvaluationMetric", ["model", "version", "arm", "metric", "kind"]),
    ];

    [Fact]
    public void AlertRules_QueryTheNamesThisTestChecks()
    {
        var contract = AlertRuleContract.Read();

        // If the rules stop reading these, the test below would check less than the alerts need: keep them in step.
        Assert.Equal(["BatchCompleted", "DriftDetected", "EvaluationBelowTraining", "StreamMessagePoisoned"], contract.Events.Keys.Order());
        Assert.Equal(["model"], contract.Events["DriftDetected"]);
        Assert.Equal(["model"], contract.Events["EvaluationBelowTraining"]);
        Assert.Equal(["model", "status"], contract.Events["BatchCompleted"]);
        Assert.Equal(["cloud_RoleName", "duration", "success"], contract.RequestColumns);
    }

    [Fact]
    public async Task EveryNameTheAlertRulesQuery_IsWhatTheAppSends()
    {
        var contract = AlertRuleContract.Read();
        using var ingestion = new FakeIngestion();
        using var app = new DriftTestApp(
            new Dictionary<string, string?>
            {
                ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString,
                ["Shipyard:Batch:Watcher:Enabled"] = "false",
                ["Shipyard:Streaming:PollerEnabled"] = "false",
                ["STREAM_MAX_DEQUEUE"] = "1",
                ["Shipyard:Evaluation:MinimumOutcomes"] = "10",
            },
            recordTelemetry: false);

        // Predict requests (request telemetry, prediction metrics), outcomes that contradict 20 predictions (so the
        // evaluation after the drift check finds production below its training accuracy: EvaluationBelowTraining) and
        // a drift check that finds drift (DriftDetected).
        await app.PredictAsync(DriftTestApp.BreastCancerRows("drifted.csv"));
        using (var client = await app.ClientAsync())
        {
            using var predicted = await client.PostAsync(new Uri("/api/models/breast-cancer/versions/1/predict", UriKind.Relative), Json.Instances(DriftTestApp.BreastCancerRows("holdout.csv", take: 20)));
            var outcomes = (await HttpAssert.OkJsonAsync(predicted)).GetProperty("predictions").EnumerateArray()
                .Select(p => new { predictionId = p.GetProperty("predictionId").GetString(), actual = p.GetProperty("label").GetString() == "benign" ? "malignant" : "benign" })
                .ToArray();
            using var feedback = await client.PostAsJsonAsync(new Uri("/api/models/breast-cancer/feedback", UriKind.Relative), new { outcomes });
            Assert.Equal(20, (await HttpAssert.OkJsonAsync(feedback)).GetProperty("accepted").GetInt32());
        }

        var outcome = DriftTestApp.Outcome(await app.InvokeDriftCheckAsync(), "breast-cancer", "1");
        Assert.True(outcome.GetProperty("alerted").GetBoolean());

        // A good batch (BatchCompleted succeeded, RowsPerSecond) and one missing every feature column (BatchCompleted failed).
        var processor = app.Services.GetRequiredService<BlobBatchProcessor>();
        await app.Store.CreateContainerIfNotExistsAsync("batch-in");
        await using (var good = File.OpenRead(Path.Combine(RepoPaths.Models, "breast-cancer", "data", "holdout.csv")))
        {
            await app.Store.UploadAsync("batch-in", "breast-cancer/good.csv", good);
        }

        await app.Store.UploadAsync("batch-in", "breast-cancer/bad.csv", new MemoryStream(Encoding.UTF8.GetBytes("not_a_feature\n1\n")));
        Assert.Equal(BatchStatus.Succeeded, (await processor.ProcessAsync("breast-cancer/good.csv")).Report!.Status);
        Assert.Equal(BatchStatus.Failed, (await processor.ProcessAsync("breast-cancer/bad.csv")).Report!.Status);

        // A stream message whose delivery count passed STREAM_MAX_DEQUEUE (its last delivery died): poisoned.
        var queue = app.Services.GetRequiredService<IMessageQueue>();
        var poller = app.Services.GetRequiredService<StreamQueuePoller>();
        await poller.EnsureQueuesAsync();
        await queue.SendAsync(StreamQueues.RequestQueue, "{}");
        var delivered = Assert.Single(await queue.ReceiveAsync(StreamQueues.RequestQueue, 1, TimeSpan.FromSeconds(30)));
        await queue.UpdateAsync(StreamQueues.RequestQueue, delivered.MessageId, delivered.PopReceipt, TimeSpan.Zero);
        await poller.PollOnceAsync();
        Assert.Single(await queue.PeekAsync(StreamQueues.PoisonQueue));

        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            Assert.True(await app.Services.GetRequiredService<TelemetryClient>().FlushAsync(cancel.Token));
        }

        var sent = await ingestion.WaitForAsync(
            envelopes => contract.Events.Keys.All(name => FakeIngestion.Items(envelopes, "EventData", name).Any())
                && DashboardContract.All(c => FakeIngestion.Items(envelopes, c.Kind, c.Name).Any())
                && FakeIngestion.Items(envelopes, "RequestData", null).Any(),
            TimeSpan.FromSeconds(60));

        foreach (var (name, dimensions) in contract.Events)
        {
            var events = FakeIngestion.Items(sent, "EventData", name).ToArray();
            Assert.All(dimensions, dimension => Assert.All(events, e => Assert.False(string.IsNullOrEmpty(FakeIngestion.Property(e, dimension)), $"{name} lacks customDimensions.{dimension}")));
        }

        foreach (var (kind, name, dimensions) in DashboardContract)
        {
            Assert.All(FakeIngestion.Items(sent, kind, name), item => Assert.All(dimensions, d => Assert.False(string.IsNullOrEmpty(FakeIngestion.Property(item, d)), $"{name} lacks {d}")));
        }

        // What the queries filter and group on, with the values they compare to.
        var drift = Assert.Single(FakeIngestion.Items(sent, "EventData", "DriftDetected"));
        Assert.Equal(("breast-cancer", "1"), (FakeIngestion.Property(drift, "model"), FakeIngestion.Property(drift, "version")));
        Assert.Equal(["failed", "succeeded"], FakeIngestion.Items(sent, "EventData", "BatchCompleted").Select(e => FakeIngestion.Property(e, "status")).Order());
        Assert.All(FakeIngestion.Items(sent, "EventData", "BatchCompleted"), e => Assert.Equal("breast-cancer", FakeIngestion.Property(e, "model")));
        Assert.Contains(FakeIngestion.Items(sent, "EventData", "ModelLoaded"), e => FakeIngestion.Property(e, "model") == "breast-cancer" && FakeIngestion.Property(e, "status") == "succeeded");
        Assert.Contains(FakeIngestion.Items(sent, "MetricData", "RowsPerSecond"), m => FakeIngestion.Property(m, "model") == "breast-cancer");

        // requests: success and duration per request, split by cloud_RoleName (the ai.cloud.role tag).
        var predict = FakeIngestion.Items(sent, "RequestData", null).Where(r => FakeIngestion.Data(r).GetProperty("url").GetString()!.Contains("/api/models/breast-cancer/versions/1/predict", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, predict.Length); // 200 drifted rows in requests of 50, then the 20 with outcomes
        Assert.All(predict, r =>
        {
            Assert.True(FakeIngestion.Data(r).GetProperty("success").GetBoolean());
            Assert.Equal("200", FakeIngestion.Data(r).GetProperty("responseCode").GetString());
            Assert.True(TimeSpan.Parse(FakeIngestion.Data(r).GetProperty("duration").GetString()!, CultureInfo.InvariantCulture) > TimeSpan.Zero);
            Assert.False(string.IsNullOrEmpty(r.GetProperty("tags").GetProperty("ai.cloud.role").GetString()));
        });
    }

    /// <summary>What the KQL of infra/modules/alerts.bicep reads: custom event names with their customDimensions, and request columns.</summary>
    private sealed partial record AlertRuleContract(IReadOnlyDictionary<string, string[]> Events, string[] RequestColumns)
    {
        public static AlertRuleContract Read()
        {
            var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "modules", "alerts.bicep"));
            var queries = QueryLine().Matches(bicep).Select(m => m.Groups[1].Value.Replace("\\n", "\n", StringComparison.Ordinal)).ToArray();
            var events = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
            var requestColumns = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var query in queries)
            {
                // customEvents (Application Insights) and AppEvents (its workspace table) both hold TrackEvent's events.
                foreach (var name in EventName().Matches(query).Select(m => m.Groups[1].Value))
                {
                    events[name] = [.. Dimension().Matches(query).Select(m => m.Groups[1].Value).Distinct().Order()];
                }

                if (query.StartsWith("requests", StringComparison.Ordinal))
                {
                    foreach (var column in new[] { "success", "duration", "cloud_RoleName" }.Where(c => query.Contains(c, StringComparison.Ordinal)))
                    {
                        requestColumns.Add(column);
                    }
                }
            }

            return new AlertRuleContract(events, [.. requestColumns]);
        }

        [GeneratedRegex(@"query: '(.*)'")]
        private static partial Regex QueryLine();

        [GeneratedRegex(@"\b(?:name|Name) == ""(\w+)""")]
        private static partial Regex EventName();

        [GeneratedRegex(@"customDimensions\.(\w+)")]
        private static partial Regex Dimension();
    }
}
