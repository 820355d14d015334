using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Monitoring;
using Shipyard.Monitoring.Reports;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>DriftMonitor over the real file blob store and file queue, with the bundled breast-cancer data.</summary>
public sealed class DriftMonitorTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("shipyard-drift-monitor-").FullName;
    private readonly FileBlobStore _store;
    private readonly FileMessageQueue _queue;

    public DriftMonitorTests()
    {
        _store = new FileBlobStore(Path.Combine(_root, "blobs"));
        _queue = new FileMessageQueue(Path.Combine(_root, "queues"));
    }

    private static string Data(string file) => Path.Combine(RepoPaths.Models, "breast-cancer", "data", file);

    [Fact]
    public async Task Check_HoldoutTraffic_NoDriftNoRetrainReportsWritten()
    {
        await PredictionLogFixture.WriteBreastCancerAsync(_store, Data("holdout.csv"), s_now.AddHours(-2));
        var monitor = CreateMonitor(new DriftMonitorOptions { RetrainOnAnyFeatureDrift = true });

        var result = await monitor.CheckAsync(PredictionLogFixture.BreastCancerBaseline, s_now);

        Assert.Equal(DriftStatus.NoDrift, result.Report.Status);
        Assert.Equal(200, result.Report.Rows);
        Assert.Empty(result.Report.TopDriftedFeatures);
        Assert.False(result.RetrainRequested);
        Assert.Empty(await _queue.PeekAsync(RetrainNotifier.QueueName, 1).ContinueWith(t => t.IsFaulted ? [] : t.Result));
        Assert.NotNull(await _store.GetPropertiesAsync("drift-reports", result.JsonBlobName));
        Assert.StartsWith("breast-cancer/1/", result.HtmlBlobName, StringComparison.Ordinal);
        var json = JsonDocument.Parse(await _store.ReadAllBytesAsync("drift-reports", result.JsonBlobName)).RootElement;
        Assert.Equal("no-drift", json.GetProperty("status").GetString());
        Assert.Equal(30, json.GetProperty("features").GetArrayLength());
        Assert.False(json.GetProperty("prediction").GetProperty("drifted").GetBoolean());
    }

    /// <summary>The 18 features drifted.csv shifts (models/breast-cancer/data/README.md): a new imaging system.</summary>
    private static readonly string[] s_shiftedFeatures =
        [.. new[] { "radius", "perimeter", "area", "texture", "smoothness", "concave_points" }
            .SelectMany(m => new[] { $"mean_{m}", $"{m}_error", $"worst_{m}" })];

    [Fact]
    public async Task Check_DriftedTraffic_NamesShiftedFeaturesAndQueuesRetrainRequest()
    {
        await PredictionLogFixture.WriteBreastCancerAsync(_store, Data("drifted.csv"), s_now.AddHours(-1));
        var monitor = CreateMonitor();

        var result = await monitor.CheckAsync(PredictionLogFixture.BreastCancerBaseline, s_now);

        // DESIGN.md §3: 18 of 30 features drift, share 0.6 ≥ 0.5 → dataset drift under the default rule.
        Assert.Equal(DriftStatus.Drift, result.Report.Status);
        Assert.Equal(0.6, result.Report.DatasetDrift!.Value.DriftedShare, 12);
        Assert.Equal(s_shiftedFeatures.Order(), result.Report.Features.Where(f => f.Drift.Drifted).Select(f => f.Drift.Name).Order());
        Assert.Equal(10, result.Report.TopDriftedFeatures.Count);
        Assert.All(result.Report.TopDriftedFeatures, name => Assert.Contains(name, s_shiftedFeatures));
        Assert.Equal(result.Report.TopDriftedFeatures, result.Report.Features.Take(10).Select(f => f.Drift.Name));
        Assert.True(result.Report.Features.Single(f => f.Drift.Name == "mean_radius").OutsideTrainingRange > 0);
        Assert.True(result.RetrainRequested);
        var message = Assert.Single(await _queue.PeekAsync(RetrainNotifier.QueueName, 32));
        var request = JsonSerializer.Deserialize<RetrainRequest>(message.Text, JsonSerializerOptions.Web)!;
        Assert.Equal("breast-cancer", request.Model);
        Assert.Equal("1", request.Version);
        Assert.Equal($"drift-reports/{result.JsonBlobName}", request.Report);
        Assert.Equal(result.Report.TopDriftedFeatures, request.TopDriftedFeatures);
    }

    [Fact]
    public async Task Check_FewDriftedFeatures_DefaultRuleReportsButDoesNotAlert()
    {
        // DESIGN.md §3: the dataset drifts when ≥ 50% of features do. Only the 3 mean_* size/texture columns shifted
        // (3 of 30) is reported per feature, not alerted by default; RetrainOnAnyFeatureDrift alerts on it.
        var shifted = new HashSet<string>(["mean_radius", "mean_texture", "mean_area"]);
        await PredictionLogFixture.WriteBreastCancerAsync(_store, Data("holdout.csv"), s_now.AddHours(-1),
            replaceFrom: Data("drifted.csv"), replaceColumns: shifted);

        var byDefault = await CreateMonitor().CheckAsync(PredictionLogFixture.BreastCancerBaseline, s_now);
        var anyFeature = await CreateMonitor(new DriftMonitorOptions { RetrainOnAnyFeatureDrift = true })
            .CheckAsync(PredictionLogFixture.BreastCancerBaseline, s_now);

        Assert.Equal(DriftStatus.NoDrift, byDefault.Report.Status);
        Assert.Equal(0.1, byDefault.Report.DatasetDrift!.Value.DriftedShare, 12);
        Assert.Equal(shifted.Order(), byDefault.Report.TopDriftedFeatures.Order());
        Assert.False(byDefault.RetrainRequested);
        Assert.True(anyFeature.RetrainRequested);
    }

    [Fact]
    public async Task Check_FewRecords_InsufficientDataNoAlert()
    {
        await PredictionLogFixture.WriteBreastCancerAsync(_store, Data("drifted.csv"), s_now.AddHours(-1), take: 20);

        var result = await CreateMonitor(new DriftMonitorOptions { RetrainOnAnyFeatureDrift = true }).CheckAsync(PredictionLogFixture.BreastCancerBaseline, s_now);

        Assert.Equal(DriftStatus.InsufficientData, result.Report.Status);
        Assert.Equal(20, result.Report.Rows);
        Assert.Empty(result.Report.Features);
        Assert.False(result.RetrainRequested);
        Assert.NotNull(await _store.GetPropertiesAsync("drift-reports", result.HtmlBlobName));
    }

    [Fact]
    public async Task Check_RecordsOutsideWindow_AreIgnored()
    {
        await PredictionLogFixture.WriteBreastCancerAsync(_store, Data("drifted.csv"), s_now.AddHours(-30));

        var result = await CreateMonitor().CheckAsync(PredictionLogFixture.BreastCancerBaseline, s_now);

        Assert.Equal(0, result.Report.Rows);
        Assert.Equal(DriftStatus.InsufficientData, result.Report.Status);
    }

    [Fact]
    public async Task Notifier_WebhookFailsTwice_RetriedUntilDelivered()
    {
        using var listener = new HttpListener();
        var port = LoopbackPorts.Free();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var bodies = new List<string>();
        var server = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var context = await listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream);
                bodies.Add(await reader.ReadToEndAsync());
                context.Response.StatusCode = i < 2 ? 503 : 204;
                context.Response.Close();
            }
        });
        using var http = new HttpClient();
        var notifier = new RetrainNotifier(_queue, NullLogger<RetrainNotifier>.Instance, http, new Uri($"http://127.0.0.1:{port}/hook/?code=secret"), TimeSpan.FromMilliseconds(20));

        await notifier.NotifyAsync(new RetrainRequest { Model = "m", Version = "1", Status = "drift", DriftedShare = 1, TopDriftedFeatures = ["x"], Report = "r.json", ReportHtml = "r.html", Created = s_now });
        await notifier.WhenWebhooksCompleteAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await server.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, bodies.Count);
        Assert.All(bodies, b => Assert.Equal("m", JsonDocument.Parse(b).RootElement.GetProperty("model").GetString()));
        Assert.Single(await _queue.PeekAsync(RetrainNotifier.QueueName, 32));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DriftMonitor CreateMonitor(DriftMonitorOptions? options = null) =>
        new(_store, new RetrainNotifier(_queue, NullLogger<RetrainNotifier>.Instance), NullLogger<DriftMonitor>.Instance, options, new FixedClock(s_now));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
