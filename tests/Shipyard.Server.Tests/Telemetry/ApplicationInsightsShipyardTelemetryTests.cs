using Shipyard.Testing;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
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
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint={ingestion.Address};LiveEndpoint={ingestion.Address}",
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

        var sent = await ingestion.WaitForAsync(
            text => text.Contains("BatchCompleted", StringComparison.Ordinal)
                && text.Contains("RowsPerSecond", StringComparison.Ordinal)
                && text.Contains("ModelLoaded", StringComparison.Ordinal)
                && text.Contains(ApplicationInsightsShipyardTelemetry.LatencyMetric, StringComparison.Ordinal)
                && text.Contains(ApplicationInsightsShipyardTelemetry.ErrorsMetric, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.Contains("\"status\":\"succeeded\"", sent, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"failed\"", sent, StringComparison.Ordinal);
        Assert.Contains("11111111-2222-3333-4444-555555555555", sent, StringComparison.Ordinal);
    }

    /// <summary>A loopback HTTP endpoint that accepts Application Insights track calls and keeps their (gunzipped) bodies.</summary>
    private sealed class FakeIngestion : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<string> _bodies = new();
        private readonly Task _loop;

        public FakeIngestion()
        {
            var port = AppProcess.FreePort();
            Address = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Address);
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Address { get; }

        public async Task<string> WaitForAsync(Func<string, bool> condition, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                var all = string.Join('\n', _bodies);
                if (condition(all))
                {
                    return all;
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("Telemetry not received; got: " + string.Join('\n', _bodies));
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using (var buffer = new MemoryStream())
                {
                    var input = context.Request.Headers["Content-Encoding"] == "gzip"
                        ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                        : context.Request.InputStream;
                    await input.CopyToAsync(buffer);
                    _bodies.Enqueue(Encoding.UTF8.GetString(buffer.ToArray()));
                }

                var reply = Encoding.UTF8.GetBytes("{\"itemsReceived\":1,\"itemsAccepted\":1,\"errors\":[]}");
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(reply);
                context.Response.Close();
            }
        }
    }
}
