using System.Net;
using System.Text;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Http.Forwarding;
using Shipyard.Monitoring;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Server.Tests.Monitoring;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Telemetry;

/// <summary>
/// Secrets never reach logs or telemetry (DESIGN.md "Security by default"). The real app runs with every secret-bearing
/// setting filled — function and admin keys, a <c>GPU_APP_URL</c> with <c>user:password@</c> and <c>?sig=</c>, a
/// <c>DRIFT_WEBHOOK_URL</c> with credentials, a token in its path and in its query — logs at Debug (ASP.NET Core too)
/// into a real logger provider, and sends telemetry to <see cref="FakeIngestion"/>. It takes requests with <c>?code=</c>
/// and goes through every path that writes one of those URLs: forwarding failures, webhook failures, startup. No secret
/// may appear in any log line or telemetry item, and the redacted forms must (so the test sees the paths really ran).
/// </summary>
public sealed class SecretsNeverLoggedTests
{
    private const string GpuUser = "gpu-user-8d2e";
    private const string GpuPassword = "gpu-password-41c7";
    private const string GpuSignature = "gpu-signature-9a0f";
    private const string GpuKey = "gpu-app-key-c3b9";
    private const string HookUser = "hook-user-27aa";
    private const string HookPassword = "hook-password-6e51";
    private const string HookPathToken = "hook-path-token-b804";
    private const string HookQueryToken = "hook-query-token-f13d";

    private static readonly string[] Secrets =
    [
        ShipyardApplicationFactory.FunctionKey, ShipyardApplicationFactory.AdminKey, GpuUser, GpuPassword, GpuSignature,
        GpuKey, HookUser, HookPassword, HookPathToken, HookQueryToken,
    ];

    [Fact]
    public async Task KeysInRequestsAndCredentialsInConfiguredUrls_AreRedactedInLogsAndTelemetry()
    {
        using var ingestion = new FakeIngestion();
        using var gpu = new LoopbackEndpoint();
        using var hook = new LoopbackEndpoint($"/hooks/{HookPathToken}/");

        // The "GPU app" first answers 503 (unreachable for this request: scored here), then refuses the key.
        gpu.Reply = n => n == 0 ? (503, "{}") : (401, "{}");
        hook.Reply = _ => (500, "{}");
        using var app = new DriftTestApp(
            new Dictionary<string, string?>
            {
                ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString,
                [GpuForwardingOptions.UrlSetting] = $"http://{GpuUser}:{GpuPassword}@127.0.0.1:{gpu.Port}/?sig={GpuSignature}",
                [GpuForwardingOptions.KeySetting] = GpuKey,
                [DriftCheckOptions.WebhookSetting] = $"http://{HookUser}:{HookPassword}@127.0.0.1:{hook.Port}/hooks/{HookPathToken}/?token={HookQueryToken}",
                ["Logging:LogLevel:Default"] = "Debug",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            },
            recordTelemetry: false);
        using var client = await app.ClientAsync(key: null);

        // Keys in the query string, as Azure Functions clients send them: a read, predictions, an admin call.
        await HttpAssert.OkJsonAsync(await client.GetAsync(new Uri($"/api/models?code={ShipyardApplicationFactory.FunctionKey}", UriKind.Relative)));
        var digits = SampleCases.Load("digits", "1").Cases[0];
        var predict = new Uri($"/api/models/digits/predict?code={ShipyardApplicationFactory.FunctionKey}", UriKind.Relative);
        using (var fallback = await client.PostAsync(predict, Json.Instances(digits.Instance)))
        {
            await HttpAssert.OkJsonAsync(fallback); // 503 from the GPU app: scored here
        }

        using (var refused = await client.PostAsync(predict, Json.Instances(digits.Instance)))
        {
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode); // 401 from the GPU app: GPU_APP_KEY refused
        }

        using (var admin = await client.PostAsync(new Uri($"/api/admin/models/no-such-model/rollback?code={ShipyardApplicationFactory.AdminKey}", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.NotFound, admin.StatusCode);
        }

        // Drift → retraining request → the webhook fails on every attempt and the notifier gives up.
        await app.PredictAsync(DriftTestApp.BreastCancerRows("drifted.csv"));
        Assert.True(DriftTestApp.Outcome(await app.InvokeDriftCheckAsync(), "breast-cancer", "1").GetProperty("retrainRequested").GetBoolean());
        await ((RetrainNotifier)app.Services.GetRequiredService<IRetrainNotifier>()).WhenWebhooksCompleteAsync();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            Assert.True(await app.Services.GetRequiredService<TelemetryClient>().FlushAsync(cancel.Token));
        }

        // The configured credentials were used (so their absence below is redaction, not an unused setting).
        var basicGpu = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{GpuUser}:{GpuPassword}"));
        Assert.All(gpu.Requests, r => Assert.Equal(basicGpu, r.Headers["Authorization"]));
        Assert.All(gpu.Requests, r => Assert.Equal($"/api/models/digits/predict?sig={GpuSignature}", r.Url));
        Assert.Equal(RetrainNotifier.WebhookAttempts, hook.Requests.Count);
        Assert.All(hook.Requests, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{HookUser}:{HookPassword}")), r.Headers["Authorization"]));

        var envelopes = await ingestion.WaitForAsync(
            sent => sent.Count(e => e.GetProperty("data").GetProperty("baseType").GetString() == "RemoteDependencyData") >= 2 + RetrainNotifier.WebhookAttempts,
            TimeSpan.FromSeconds(60));
        var logs = string.Join('\n', app.Logs.Messages);
        var telemetry = ingestion.AllText;
        Assert.All(Secrets, secret =>
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"'{secret}' is in the logs:\n{Lines(logs, secret)}");
            Assert.False(telemetry.Contains(secret, StringComparison.Ordinal), $"'{secret}' is in the telemetry:\n{Lines(telemetry, secret)}");
        });

        // The redacted forms are there: the failure paths ran and name their endpoint.
        Assert.Contains($"GPU app http://***@127.0.0.1:{gpu.Port}/?sig=*** unreachable (status 503)", logs, StringComparison.Ordinal);
        Assert.Contains($"GPU app http://***@127.0.0.1:{gpu.Port}/?sig=*** refused GPU_APP_KEY with status 401", logs, StringComparison.Ordinal);
        Assert.Contains($"Retrain webhook http://***@127.0.0.1:{hook.Port}/***?token=*** answered 500 (attempt 1 of 4)", logs, StringComparison.Ordinal);
        Assert.Contains($"Retrain webhook http://***@127.0.0.1:{hook.Port}/***?token=*** gave up for breast-cancer v1", logs, StringComparison.Ordinal);
        Assert.Contains($"GPU app http://***@127.0.0.1:{gpu.Port}/?sig=*** refused GPU_APP_KEY", telemetry, StringComparison.Ordinal);

        // Requests and the outgoing calls are in the telemetry: query values replaced by the instrumentation and the
        // exporter, the webhook's path masked too (SecretPathRedactionProcessor).
        Assert.Contains(envelopes, e => Url(e, "RequestData") == "http://localhost/api/models?code=Redacted");
        Assert.Equal(2, envelopes.Count(e => Url(e, "RemoteDependencyData") == $"http://127.0.0.1:{gpu.Port}/api/models/digits/predict?*"));
        Assert.Equal(RetrainNotifier.WebhookAttempts, envelopes.Count(e => Url(e, "RemoteDependencyData") == $"http://127.0.0.1:{hook.Port}/***?***"));
    }

    // A request's URL is baseData.url; a dependency's (the called URL) is baseData.data.
    private static string? Url(System.Text.Json.JsonElement envelope, string baseType)
    {
        if (!FakeIngestion.Items([envelope], baseType).Any())
        {
            return null;
        }

        var item = FakeIngestion.Data(envelope);
        return item.TryGetProperty("url", out var url) ? url.GetString()
            : item.TryGetProperty("data", out var called) ? called.GetString()
            : null;
    }

    private static string Lines(string text, string secret) =>
        string.Join('\n', text.Split('\n').Where(l => l.Contains(secret, StringComparison.Ordinal)).Take(5).Select(l => l.Length > 600 ? l[..600] : l));
}
