using System.Globalization;
using Microsoft.ApplicationInsights;
using Shipyard.Telemetry;

namespace Shipyard.Http.Telemetry;

/// <summary>
/// <see cref="IShipyardTelemetry"/> over Application Insights 3.x (WorkerService 3.2.0, OpenTelemetry underneath; DESIGN.md §1).
/// Per-model request count, latency, errors and batch size are pre-aggregated metrics (<see cref="TelemetryClient.GetMetric(string, string, string)"/>,
/// an OpenTelemetry histogram): they cost an aggregator update per call and are exported once a minute, so they never
/// block a request. Events ("ModelLoaded", "DriftDetected", "BatchCompleted", …) become OpenTelemetry log records that
/// the Azure Monitor exporter sends as customEvents (properties → customDimensions); other metrics ("RowsPerSecond")
/// as customMetrics. The names are the alert rules' contract (docs/architecture.md "Telemetry and alerts").
/// Registered only when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is configured.
/// </summary>
public sealed partial class ApplicationInsightsShipyardTelemetry : IShipyardTelemetry
{
    /// <summary>Metric: latency of each prediction call in milliseconds (its count is the request count).</summary>
    public const string LatencyMetric = "PredictionLatencyMs";

    /// <summary>Metric: rows per prediction call (the batch size).</summary>
    public const string RowsMetric = "PredictionRows";

    /// <summary>Metric: 1 per failed prediction call.</summary>
    public const string ErrorsMetric = "PredictionErrors";

    /// <summary>Event sent when a model version finished loading (customDimensions.status succeeded|failed).</summary>
    public const string ModelLoadedEvent = "ModelLoaded";

    private readonly TelemetryClient _client;
    private readonly ILogger<ApplicationInsightsShipyardTelemetry> _logger;

    // Looked up once: TrackPrediction runs on every prediction.
    private readonly Metric _latency;
    private readonly Metric _rows;
    private readonly Metric _errors;

    /// <summary>Creates the telemetry sink (DI).</summary>
    public ApplicationInsightsShipyardTelemetry(TelemetryClient client, ILogger<ApplicationInsightsShipyardTelemetry> logger)
    {
        _client = client;
        _logger = logger;
        _latency = client.GetMetric(LatencyMetric, "model", "version");
        _rows = client.GetMetric(RowsMetric, "model", "version");
        _errors = client.GetMetric(ErrorsMetric, "model", "version");
    }

    /// <inheritdoc />
    public void TrackPrediction(string model, string version, int rows, TimeSpan elapsed, bool success)
    {
        try
        {
            _latency.TrackValue(elapsed.TotalMilliseconds, model, version);
            _rows.TrackValue(rows, model, version);
            if (!success)
            {
                _errors.TrackValue(1, model, version);
            }
        }
#pragma warning disable CA1031 // Any telemetry failure is non-fatal by design (as Guard).
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogTrackFailed(_logger, e);
        }
    }

    /// <inheritdoc />
    public void TrackModelLoaded(string model, string version, TimeSpan elapsed, bool success, string? errorMessage) => Guard(() =>
    {
        var properties = new Dictionary<string, string>
        {
            ["model"] = model,
            ["version"] = version,
            ["status"] = success ? "succeeded" : "failed",
            ["elapsedMs"] = elapsed.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture),
        };
        if (errorMessage is not null)
        {
            properties["error"] = errorMessage;
        }

        _client.TrackEvent(ModelLoadedEvent, properties);
    });

    /// <inheritdoc />
    public void TrackEvent(string name, IReadOnlyDictionary<string, string>? properties = null) =>
        Guard(() => _client.TrackEvent(name, Copy(properties)));

    /// <inheritdoc />
    public void TrackMetric(string name, double value, IReadOnlyDictionary<string, string>? properties = null) =>
        Guard(() => _client.TrackMetric(name, value, Copy(properties)));

    // The client takes a mutable IDictionary and may add to it (EnsureMutable); ours are read-only and the caller's.
    private static Dictionary<string, string>? Copy(IReadOnlyDictionary<string, string>? properties) =>
        properties is null ? null : new Dictionary<string, string>(properties);

    // Telemetry must never fail a request or a batch: a broken channel is logged and ignored.
    private void Guard(Action track)
    {
        try
        {
            track();
        }
#pragma warning disable CA1031 // Any telemetry failure is non-fatal by design.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogTrackFailed(_logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application Insights telemetry could not be recorded.")]
    private static partial void LogTrackFailed(ILogger logger, Exception exception);
}
