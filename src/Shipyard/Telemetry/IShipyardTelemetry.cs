namespace Shipyard.Telemetry;

/// <summary>
/// Where the domain reports telemetry. The default is <see cref="NullShipyardTelemetry"/>; the host registers an
/// Application Insights implementation when a connection string is configured. Implementations must be thread-safe,
/// must not throw, and must not block (buffer and send in the background).
/// </summary>
public interface IShipyardTelemetry
{
    /// <summary>One scoring call (a request, or a micro-batch member) finished.</summary>
    void TrackPrediction(string model, string version, int rows, TimeSpan elapsed, bool success);

    /// <summary>A model version was loaded (or failed to load, with <paramref name="errorMessage"/>).</summary>
    void TrackModelLoaded(string model, string version, TimeSpan elapsed, bool success, string? errorMessage);

    /// <summary>A named event with properties (e.g. <c>RoutingChanged</c>, <c>PredictionLogDropped</c>).</summary>
    void TrackEvent(string name, IReadOnlyDictionary<string, string>? properties = null);

    /// <summary>A named metric value with properties (e.g. <c>MicroBatchSize</c>).</summary>
    void TrackMetric(string name, double value, IReadOnlyDictionary<string, string>? properties = null);
}
