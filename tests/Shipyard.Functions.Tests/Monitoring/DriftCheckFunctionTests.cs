using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shipyard.Functions.Monitoring;
using Shipyard.Functions.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Functions.Tests.Monitoring;

/// <summary>The DriftCheck custom-handler function with the host's timer payload.</summary>
public sealed class DriftCheckFunctionTests
{
    [Fact]
    public async Task TimerInvocation_ChecksEveryVersionWithTrafficAndWritesReports()
    {
        using var app = new DriftTestApp();

        var response = await app.InvokeDriftCheckAsync();

        // Production and canary versions of the bundled models (breast-cancer routes 10 % to v2).
        var checkedVersions = response.GetProperty("ReturnValue").EnumerateArray()
            .Select(o => $"{o.GetProperty("model").GetString()}/{o.GetProperty("version").GetString()}").Order().ToArray();
        Assert.Contains("breast-cancer/1", checkedVersions);
        Assert.Contains("breast-cancer/2", checkedVersions);
        foreach (var outcome in response.GetProperty("ReturnValue").EnumerateArray())
        {
            var blob = outcome.GetProperty("report").GetString()!;
            Assert.NotNull(await app.Store.GetPropertiesAsync("drift-reports", blob));
            Assert.NotNull(await app.Store.GetPropertiesAsync("drift-reports", blob[..^".json".Length] + ".html"));
            Assert.Equal("insufficient-data", outcome.GetProperty("status").GetString());
        }

        Assert.Equal(checkedVersions.Length, response.GetProperty("Logs").GetArrayLength());
        Assert.Equal(checkedVersions.Length, app.Telemetry.Events.Count(e => e.Name == DriftCheckJob.ReportEvent));
    }

    [Fact]
    public async Task TimerInvocation_FewRecords_InsufficientDataNoRetrainNoAlert()
    {
        using var app = new DriftTestApp(new Dictionary<string, string?> { ["DRIFT_RETRAIN_ON"] = "any-feature" });
        await app.PredictAsync(DriftTestApp.BreastCancerRows("drifted.csv", take: 20));

        var response = await app.InvokeDriftCheckAsync();

        var outcome = DriftTestApp.Outcome(response, "breast-cancer", "1");
        Assert.Equal("insufficient-data", outcome.GetProperty("status").GetString());
        Assert.False(outcome.GetProperty("alerted").GetBoolean());
        var report = await app.ReadReportAsync(outcome.GetProperty("report").GetString()!);
        Assert.Equal(20, report.GetProperty("rows").GetInt64());
        Assert.Equal(50, report.GetProperty("minimumRows").GetInt64());
        Assert.Empty(report.GetProperty("features").EnumerateArray());
        Assert.Empty(await app.RetrainRequestsAsync());
        Assert.DoesNotContain(app.Telemetry.Events, e => e.Name == DriftCheckJob.DriftDetectedEvent);
    }

    [Fact]
    public async Task TimerInvocation_Standalone_NeedsTheAdminKey()
    {
        using var app = new DriftTestApp();
        using var client = await app.ClientAsync();

        using var response = await client.PostAsync(new Uri("/DriftCheck", UriKind.Relative), Json.Raw(DriftTestApp.TimerPayload));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UnderFunctionsHost_NoSchedulerAndTheHostInvocationIsTrusted()
    {
        using var app = new DriftTestApp(new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "40123", ["Shipyard:Drift:Scheduler:Enabled"] = "true" });
        using var client = await app.ClientAsync(key: null);

        using var response = await client.PostAsync(new Uri("/DriftCheck", UriKind.Relative), Json.Raw(DriftTestApp.TimerPayload));

        var body = await HttpAssert.OkJsonAsync(response);
        Assert.NotEmpty(body.GetProperty("ReturnValue").EnumerateArray());
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s is DriftScheduler);
    }

    [Theory]
    [InlineData("""{"Data":{"timer":{"IsPastDue":true}},"Metadata":{}}""", true)]
    [InlineData("""{"Data":{"timer":"{\"Schedule\":{},\"IsPastDue\":true}"},"Metadata":{}}""", true)]
    [InlineData(DriftTestApp.TimerPayload, false)]
    [InlineData("""{"Data":{},"Metadata":{}}""", false)]
    public void IsPastDue_ObjectOrJsonString(string payload, bool expected)
    {
        var request = System.Text.Json.JsonSerializer.Deserialize<Shipyard.Functions.CustomHandler.InvocationRequest>(payload)!;
        Assert.Equal(expected, DriftCheckFunction.IsPastDue(request));
    }
}
