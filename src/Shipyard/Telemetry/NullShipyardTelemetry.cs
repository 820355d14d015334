namespace Shipyard.Telemetry;

/// <summary>Telemetry that goes nowhere: the default when no Application Insights connection string is configured.</summary>
public sealed class NullShipyardTelemetry : IShipyardTelemetry
{
    /// <summary>The shared instance.</summary>
    public static NullShipyardTelemetry Instance { get; } = new();

    /// <inheritdoc />
    public void TrackPrediction(string model, string version, int rows, TimeSpan elapsed, bool success)
    {
    }

    /// <inheritdoc />
    public void TrackModelLoaded(string model, string version, TimeSpan elapsed, bool success, string? errorMessage)
    {
    }

    /// <inheritdoc />
    public void TrackEvent(string name, IReadOnlyDictionary<string, string>? properties = null)
    {
    }

    /// <inheritdoc />
    public void TrackMetric(string name, double value, IReadOnlyDictionary<string, string>? properties = null)
    {
    }
}
