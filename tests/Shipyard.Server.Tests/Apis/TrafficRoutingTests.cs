using Shipyard.Testing;
using System.Collections.Concurrent;
using System.Net;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Apis;

/// <summary>Canary share, sticky assignment, shadow traffic and hot swap, observed over HTTP.</summary>
public sealed class TrafficRoutingTests : IDisposable
{
    private readonly ShipyardApplicationFactory _app = new(ShipyardApplicationFactory.WithKeys());

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Canary_UnkeyedRequests_SplitWithinBinomialBounds()
    {
        const int requests = 1000;
        const double share = 0.3;
        var sample = SampleCases.Load("breast-cancer", "1").Cases[0];
        using var client = await _app.CreateReadyClientAsync();
        await AdminApiTests.SetRoutingAsync(client, "breast-cancer", new { production = "1", canary = new { version = "2", percent = share * 100 } });

        var versions = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => PredictAsync(client, sample, requestKey: null)));

        // 30% of 1000: mean 300, sd 14.5; ±5 sd fails a correct router about once in 3.5 million runs.
        var canary = versions.Count(v => v == "2");
        Assert.Equal(requests, canary + versions.Count(v => v == "1"));
        Assert.InRange(canary, 228, 372);
    }

    [Fact]
    public async Task Canary_SameRequestKey_AlwaysSameVersion_AndKeysSplitByShare()
    {
        var sample = SampleCases.Load("breast-cancer", "1").Cases[0];
        using var client = await _app.CreateReadyClientAsync();
        await AdminApiTests.SetRoutingAsync(client, "breast-cancer", new { production = "1", canary = new { version = "2", percent = 50 } });

        var perKey = new Dictionary<string, string>();
        for (var k = 0; k < 400; k++)
        {
            var key = $"customer-{k}";
            var first = await PredictAsync(client, sample, key);
            for (var repeat = 0; repeat < 3; repeat++)
            {
                Assert.Equal(first, await PredictAsync(client, sample, key));
            }

            perKey[key] = first;
        }

        // 50% of 400 keys: mean 200, sd 10; ±5 sd.
        Assert.InRange(perKey.Values.Count(v => v == "2"), 150, 250);
    }

    [Fact]
    public async Task Shadow_NeverChangesTheResponse_AndIsLoggedAsShadow()
    {
        var samples = SampleCases.Load("breast-cancer", "1");
        using (var client = await _app.CreateReadyClientAsync())
        {
            await AdminApiTests.SetRoutingAsync(client, "breast-cancer", new { production = "1", shadow = "2" });
            foreach (var sample in samples.Cases.Take(60))
            {
                using var response = await client.PostAsync(new Uri("/api/models/breast-cancer/predict", UriKind.Relative), Json.Instances(sample.Instance));
                var body = await HttpAssert.OkJsonAsync(response);
                Assert.Equal("1", body.GetProperty("version").GetString());
                PredictionAssert.Equal(sample, body.GetProperty("predictions")[0], "production answer while shadowing");
            }
        }

        // Shutting the app down flushes the prediction log; shadow predictions are there, under version 2.
        _app.KeepDataPath = true;
        _app.Dispose();
        var logs = Directory.EnumerateFiles(_app.DataPath, "*.jsonl", SearchOption.AllDirectories).ToArray();
        var shadowLines = logs
            .Where(p => p.Replace('\\', '/').Contains("/breast-cancer/2/", StringComparison.Ordinal))
            .SelectMany(File.ReadLines)
            .Count(l => l.Contains("\"source\":\"shadow\"", StringComparison.Ordinal));
        Directory.Delete(_app.DataPath, recursive: true);
        Assert.True(shadowLines > 0, $"no shadow lines in {logs.Length} prediction log files");
    }

    [Fact]
    public async Task HotSwap_PromoteAndRollbackUnderLoad_NoFailedRequestAndOnlyTheTwoVersions()
    {
        var sample = SampleCases.Load("breast-cancer", "1").Cases[0];
        using var admin = await _app.CreateReadyClientAsync();
        await AdminApiTests.SetRoutingAsync(admin, "breast-cancer", new { production = "1" });
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();

        async Task ClientLoopAsync()
        {
            using var client = _app.CreateClient(ShipyardApplicationFactory.FunctionKey);
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsync(new Uri("/api/models/breast-cancer/predict", UriKind.Relative), Json.Instances(sample.Instance));
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {text}");
                    continue;
                }

                using var body = System.Text.Json.JsonDocument.Parse(text);
                seen.AddOrUpdate(body.RootElement.GetProperty("version").GetString()!, 1, (_, n) => n + 1);
            }
        }

        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(ClientLoopAsync)).ToArray();
        for (var swap = 0; swap < 15; swap++)
        {
            await HttpAssert.OkJsonAsync(await admin.PostAsync(AdminApiTests.Admin("breast-cancer/promote"), Json.Body(new { alias = "production", version = "2" })));
            await Task.Delay(30);
            await HttpAssert.OkJsonAsync(await admin.PostAsync(AdminApiTests.Admin("breast-cancer/rollback"), content: null));
            await Task.Delay(30);
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.Subset(new HashSet<string> { "1", "2" }, seen.Keys.ToHashSet());
        Assert.True(seen.GetValueOrDefault("1") > 0 && seen.GetValueOrDefault("2") > 0, $"both versions answered: {string.Join(", ", seen)}");
    }

    private static async Task<string> PredictAsync(HttpClient client, SampleCase sample, string? requestKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/models/breast-cancer/predict", UriKind.Relative)) { Content = Json.Instances(sample.Instance) };
        if (requestKey is not null)
        {
            request.Headers.Add("X-Request-Key", requestKey);
        }

        using var response = await client.SendAsync(request);
        return (await HttpAssert.OkJsonAsync(response)).GetProperty("version").GetString()!;
    }
}
