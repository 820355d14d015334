using System.Net;
using System.Net.Http.Json;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Monitoring;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests;

/// <summary>
/// Application Insights 3.x registered in the isolated worker under the real Functions host: the worker's own
/// telemetry (model loads, the drift timer's reports) reaches the ingestion endpoint with the contract's dimensions,
/// and the keys the host checks — sent as <c>?code=</c>, which the host passes on to the worker — never do.
/// </summary>
[Collection(FunctionsHostGroup.Name)]
public sealed class HostTelemetryTests(FunctionsHostFixture host)
{
    [Fact]
    public async Task WorkerTelemetry_ReachesIngestion_WithoutAnyKey()
    {
        var sample = SampleCases.Load("diabetes", "1").Cases[0];
        using var predicted = await host.Client.PostAsJsonAsync(
            new Uri($"api/models/diabetes/versions/1/predict?code={host.FunctionKey}", UriKind.Relative),
            new { instances = new[] { sample.Instance } });
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        using var admin = await host.Client.PostAsJsonAsync(new Uri($"api/admin/models/no-such-model/rollback?code={host.MasterKey}", UriKind.Relative), new { });
        Assert.Equal(HttpStatusCode.NotFound, admin.StatusCode);

        // The drift timer (every 5 s) reports on the prediction just logged: telemetry sent after the keyed requests.
        var sent = await host.EventuallyAsync(
            () => Task.FromResult(host.Telemetry.Envelopes() is var all && FakeIngestion.Items(all, "EventData", DriftCheckJob.ReportEvent).Any(e => FakeIngestion.Property(e, "model") == "diabetes") ? all : null),
            TimeSpan.FromSeconds(90),
            "a DriftReport event for diabetes from the worker");

        Assert.Contains(FakeIngestion.Items(sent, "EventData", "ModelLoaded"), e => FakeIngestion.Property(e, "model") == "diabetes" && FakeIngestion.Property(e, "version") == "1" && FakeIngestion.Property(e, "status") == "succeeded");
        var telemetry = host.Telemetry.AllText;
        Assert.DoesNotContain(host.FunctionKey, telemetry, StringComparison.Ordinal);
        Assert.DoesNotContain(host.MasterKey, telemetry, StringComparison.Ordinal);
    }
}
