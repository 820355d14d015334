using System.Text;
using System.Text.Json;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Tests.Models;
using Shipyard.Tests.Streaming;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Scoring;

public class PredictionServiceTests
{
    [Fact]
    public async Task PredictAsync_Canary10Percent_RandomKeysWithinStatisticalBounds()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"], o => o.PredictionLogSampleRate = 0);
        var instances = SampleData.Load("breast-cancer", "1").Instances(0, 1);
        var canary = 0;
        const int n = 10_000;
        for (var i = 0; i < n; i++)
        {
            var r = await world.Service.PredictAsync(new PredictionRequest { Model = "breast-cancer", Instances = PredictionInstances.From(instances), RequestKey = Guid.NewGuid().ToString() });
            canary += r.Version == "2" ? 1 : 0;
        }

        // Binomial(10000, 0.1): sd 30; 8.5–11.5 % is ±5 sd.
        Assert.InRange(canary, 850, 1150);
    }

    [Fact]
    public async Task PredictAsync_SameRequestKey_AlwaysSameVersion()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"], o => o.PredictionLogSampleRate = 0);
        await world.Registry.SetRoutingAsync("breast-cancer", new ModelRouting { Production = "1", Canary = new CanaryRoute("2", 50) });
        var instances = SampleData.Load("breast-cancer", "1").Instances(0, 1);

        var seen = new HashSet<string>();
        for (var k = 0; k < 50; k++)
        {
            var versions = new HashSet<string>();
            for (var i = 0; i < 10; i++)
            {
                versions.Add((await world.Service.PredictAsync(new PredictionRequest { Model = "breast-cancer", Instances = PredictionInstances.From(instances), RequestKey = $"user-{k}" })).Version);
            }

            seen.UnionWith(versions);
            Assert.Single(versions);
        }

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task PredictAsync_WithShadow_ResponseUnchangedAndShadowLogged()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"]);
        var instances = SampleData.Load("breast-cancer", "1").Instances(0, 5);
        await world.Registry.SetRoutingAsync("breast-cancer", new ModelRouting { Production = "1" });
        var without = await world.Service.PredictAsync(new PredictionRequest { Model = "breast-cancer", Instances = PredictionInstances.From(instances) });
        await world.Registry.SetRoutingAsync("breast-cancer", new ModelRouting { Production = "1", Shadow = "2" });

        var with = await world.Service.PredictAsync(new PredictionRequest { Model = "breast-cancer", Instances = PredictionInstances.From(instances) });

        Assert.Equal("1", with.Version);
        Assert.Equal(PredictionIdText.Without(JsonSerializer.Serialize(without)), PredictionIdText.Without(JsonSerializer.Serialize(with)));
        var lines = await WaitForLogLinesAsync(world, "breast-cancer/2/", expected: 5);
        Assert.All(lines, l => Assert.Equal("shadow", l.GetProperty("source").GetString()));
        Assert.All(lines, l => Assert.Equal("shadow", l.GetProperty("arm").GetString()));

        // The shadow's lines carry the ids of the answered predictions: one outcome evaluates both versions.
        Assert.Equal(with.Predictions.Select(p => p.PredictionId).Order(), lines.Select(l => l.GetProperty("predictionId").GetString()).Order());
    }

    /// <summary>
    /// 60 concurrent requests of 1-3 rows give the answers of 60 separate runs. With a 30 ms wait they are certainly
    /// coalesced; with no wait (the default) some run inline and the rest in whatever batches queued meanwhile.
    /// </summary>
    [Theory]
    [InlineData(30)]
    [InlineData(0)]
    public async Task PredictAsync_MicroBatching_SameResultsAsIndividualRuns(int maxDelayMs)
    {
        await using var plain = await TestWorld.StartAsync(["digits"], o => o.PredictionLogSampleRate = 0);
        var telemetry = new RecordingTelemetry();
        await using var batched = await TestWorld.StartAsync(["digits"], o =>
        {
            o.PredictionLogSampleRate = 0;
            o.MicroBatching = new MicroBatchingOptions { Enabled = true, MaxBatch = 64, MaxDelay = TimeSpan.FromMilliseconds(maxDelayMs) };
        }, telemetry: telemetry);
        var samples = SampleData.Load("digits", "1");
        var requests = Enumerable.Range(0, 60).Select(i => samples.Instances(i * 3, 1 + (i % 3))).ToArray();

        var expected = new List<string>();
        foreach (var instances in requests)
        {
            expected.Add(PredictionIdText.Without(JsonSerializer.Serialize(await plain.Service.PredictAsync(new PredictionRequest { Model = "digits", Instances = PredictionInstances.From(instances) }))));
        }

        var actual = await Task.WhenAll(requests.Select(instances => Task.Run(async () =>
            PredictionIdText.Without(JsonSerializer.Serialize(await batched.Service.PredictAsync(new PredictionRequest { Model = "digits", Instances = PredictionInstances.From(instances) }))))));

        Assert.Equal(expected, actual);
        if (maxDelayMs == 0)
        {
            return; // whether any run was shared depends on thread timing
        }

        // The requests really were coalesced: some ONNX run served more than one request.
        Assert.Contains(telemetry.Metrics, m => m.Name == "MicroBatchRows" && int.Parse(m.Properties!["requests"], System.Globalization.CultureInfo.InvariantCulture) > 1);
    }

    [Fact]
    public async Task PredictAsync_Logging_WritesContractLinesInHourPartitionOnDispose()
    {
        var world = await TestWorld.StartAsync(["diabetes"], o => o.PredictionLog = new PredictionLogOptions { FlushRecords = 1000, FlushInterval = TimeSpan.FromHours(1) });
        var samples = SampleData.Load("diabetes", "1");
        var before = DateTime.UtcNow;
        var response = await world.Service.PredictAsync(new PredictionRequest { Model = "diabetes", Instances = PredictionInstances.From(samples.Instances(0, 3)), Source = PredictionSource.Stream });
        Assert.Empty(await ListAsync(world.Store, "diabetes/"));

        await world.Log.DisposeAsync();

        var blob = Assert.Single(await ListAsync(world.Store, "diabetes/"));
        Assert.Matches($@"^diabetes/1/{before:yyyy}/{before:MM}/{before:dd}/\d\d/\d{{8}}T\d{{9}}-[a-z0-9-]+-\d+\.jsonl$", blob);
        var text = await world.Store.ReadAllTextAsync(PredictionLogWriter.Container, blob);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, lines.Length);
        var first = lines[0];
        Assert.Equal(["time", "model", "version", "source", "arm", "predictionId", "inputs", "prediction"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("production", first.GetProperty("arm").GetString());
        Assert.Equal(response.Predictions.Select(p => p.PredictionId), lines.Select(l => l.GetProperty("predictionId").GetString()));
        Assert.All(response.Predictions, p => Assert.True(PredictionIds.TryReadTime("diabetes", p.PredictionId, out var made) && made >= before.AddSeconds(-1) && made <= DateTime.UtcNow));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first.GetProperty("time").GetString());
        Assert.Equal("stream", first.GetProperty("source").GetString());
        Assert.Equal(samples.Rows[0][0], first.GetProperty("inputs").GetProperty("age").GetDouble());
        Assert.Equal(((RegressionPrediction)response.Predictions[0]).Value, first.GetProperty("prediction").GetProperty("value").GetDouble());
        await world.DisposeAsync();
    }

    [Fact]
    public async Task PredictAsync_LogBufferFull_DropsAndCountsWithoutFailing()
    {
        await using var world = await TestWorld.StartAsync(["diabetes"], o => o.PredictionLog = new PredictionLogOptions { Capacity = 4, FlushRecords = 1000, FlushInterval = TimeSpan.FromHours(1) });
        var instances = SampleData.Load("diabetes", "1").Instances(0, 3);

        await world.Service.PredictAsync(new PredictionRequest { Model = "diabetes", Instances = PredictionInstances.From(instances) });
        await world.Service.PredictAsync(new PredictionRequest { Model = "diabetes", Instances = PredictionInstances.From(instances) });

        Assert.Equal(3, world.Log.Dropped);
    }

    [Fact]
    public async Task PredictAsync_LogOverRowsPerSecond_SkipsRequestsUntilTheNextSecond()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 2, 10, 0, 0, 100, TimeSpan.Zero));
        await using var world = await TestWorld.StartAsync(
            ["diabetes"],
            o => o.PredictionLog = new PredictionLogOptions { MaxRowsPerSecond = 5, FlushRecords = 1000, FlushInterval = TimeSpan.FromHours(1) },
            clock: clock);
        var samples = SampleData.Load("diabetes", "1");
        async Task PredictAsync(int rows) =>
            Assert.Equal(rows, (await world.Service.PredictAsync(new PredictionRequest { Model = "diabetes", Instances = PredictionInstances.From(samples.Instances(0, rows)) })).Predictions.Count);

        await PredictAsync(3); // 3 of 5
        await PredictAsync(3); // would make 6: not logged, still answered
        await PredictAsync(2); // 5 of 5
        await PredictAsync(1); // not logged
        clock.Advance(TimeSpan.FromSeconds(1));
        await PredictAsync(8); // the first request of a second is logged, even above the cap
        await PredictAsync(1); // not logged

        Assert.Equal(5, world.Log.OverRate);
        Assert.Equal(0, world.Log.Dropped);
        await WaitForLogLinesAsync(world, "diabetes/", 3 + 2 + 8);
    }

    [Fact]
    public async Task PredictAsync_UnknownModelOrVersion_ThrowsNotFound()
    {
        await using var world = await TestWorld.StartAsync(["diabetes"]);
        var instances = SampleData.Load("diabetes", "1").Instances(0, 1);

        await Assert.ThrowsAsync<ModelNotFoundException>(() => world.Service.PredictAsync(new PredictionRequest { Model = "nope", Instances = PredictionInstances.From(instances) }));
        var ex = await Assert.ThrowsAsync<ModelNotFoundException>(() => world.Service.PredictAsync(new PredictionRequest { Model = "diabetes", Version = "7", Instances = PredictionInstances.From(instances) }));
        Assert.Equal("7", ex.Version);
    }

    private sealed class RecordingTelemetry : Shipyard.Telemetry.IShipyardTelemetry
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Name, double Value, IReadOnlyDictionary<string, string>? Properties)> Metrics { get; } = new();

        public void TrackPrediction(string model, string version, int rows, TimeSpan elapsed, bool success)
        {
        }

        public void TrackModelLoaded(string model, string version, TimeSpan elapsed, bool success, string? errorMessage)
        {
        }

        public void TrackEvent(string name, IReadOnlyDictionary<string, string>? properties = null)
        {
        }

        public void TrackMetric(string name, double value, IReadOnlyDictionary<string, string>? properties = null) => Metrics.Enqueue((name, value, properties));
    }

    private static async Task<List<string>> ListAsync(IBlobStore store, string prefix)
    {
        var names = new List<string>();
        try
        {
            await foreach (var b in store.ListAsync(PredictionLogWriter.Container, prefix))
            {
                names.Add(b.Name);
            }
        }
        catch (BlobNotFoundException)
        {
        }

        return names;
    }

    private static async Task<List<JsonElement>> WaitForLogLinesAsync(TestWorld world, string prefix, int expected)
    {
        var lines = new List<JsonElement>();
        for (var attempt = 0; attempt < 100 && lines.Count < expected; attempt++)
        {
            await Task.Delay(50);
            await world.Log.FlushAsync();
            lines.Clear();
            foreach (var name in await ListAsync(world.Store, prefix))
            {
                var text = await world.Store.ReadAllTextAsync(PredictionLogWriter.Container, name);
                lines.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()));
            }
        }

        Assert.Equal(expected, lines.Count);
        return lines;
    }
}
