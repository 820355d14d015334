using Shipyard.Testing;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Http.Telemetry;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Telemetry;
using Xunit;

namespace Shipyard.Server.Tests.Telemetry;

public sealed class ApplicationInsightsShipyardTelemetryTests
{
    [Fact]
    public void NotConfigured_NothingIsRegistered_AndTheDomainKeepsItsNoOp()
    {
        using var app = new ShipyardApplicationFactory();

        Assert.IsType<NullShipyardTelemetry>(app.Services.GetRequiredService<IShipyardTelemetry>());
        Assert.Null(app.Services.GetService<TelemetryClient>());
    }

    [Fact]
    public async Task Configured_EventsAndMetricsReachTheIngestionEndpoint()
    {
        using var ingestion = new FakeIngestion();
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString,
        }));
        using var client = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var telemetry = Assert.IsType<ApplicationInsightsShipyardTelemetry>(app.Services.GetRequiredService<IShipyardTelemetry>());

        await HttpAssert.OkJsonAsync(await client.PostAsync(
            new Uri("/api/models/diabetes/versions/1/predict", UriKind.Relative),
            Json.Instances(SampleCases.Load("diabetes", "1").Cases[0].Instance)));
        telemetry.TrackEvent("BatchCompleted", new Dictionary<string, string> { ["status"] = "succeeded", ["model"] = "diabetes" });
        telemetry.TrackMetric("RowsPerSecond", 12345, new Dictionary<string, string> { ["model"] = "diabetes" });
        telemetry.TrackModelLoaded("diabetes", "9", TimeSpan.FromMilliseconds(12), success: false, "checksum mismatch");
        telemetry.TrackPrediction("diabetes", "1", rows: 3, TimeSpan.FromMilliseconds(2), success: false);
        await app.Services.GetRequiredService<TelemetryClient>().FlushAsync(CancellationToken.None);

        await ingestion.WaitForAsync(
            _ =>
            {
                var text = ingestion.AllText;
                return text.Contains("BatchCompleted", StringComparison.Ordinal)
                    && text.Contains("RowsPerSecond", StringComparison.Ordinal)
                    && text.Contains("ModelLoaded", StringComparison.Ordinal)
                    && text.Contains(ApplicationInsightsShipyardTelemetry.LatencyMetric, StringComparison.Ordinal)
                    && text.Contains(ApplicationInsightsShipyardTelemetry.ErrorsMetric, StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(30));
        var sent = ingestion.AllText;
        Assert.Contains("\"status\":\"succeeded\"", sent, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"failed\"", sent, StringComparison.Ordinal);
        Assert.Contains(FakeIngestion.InstrumentationKey, sent, StringComparison.Ordinal);
    }
}
