using System.Collections.Concurrent;
using Shipyard.Telemetry;

namespace Shipyard.Server.Tests.Monitoring;

/// <summary>An <see cref="IShipyardTelemetry"/> that keeps every event and metric, to assert what the drift check emitted.</summary>
public sealed class RecordingTelemetry : IShipyardTelemetry
{
    /// <summary>Events in order.</summary>
    public ConcurrentQueue<(string Name, IReadOnlyDictionary<string, string> Properties)> Events { get; } = new();

    /// <summary>Metrics in order.</summary>
    public ConcurrentQueue<(string Name, double Value, IReadOnlyDictionary<string, string> Properties)> Metrics { get; } = new();

    /// <inheritdoc />
    public void TrackEvent(string name, IReadOnlyDictionary<string, string>? properties = null) =>
        Events.Enqueue((name, properties ?? new Dictionary<string, string>()));

    /// <inheritdoc />
    public void TrackMetric(string name, double value, IReadOnlyDictionary<string, string>? properties = null) =>
        Metrics.Enqueue((name, value, properties ?? new Dictionary<string, string>()));

    /// <inheritdoc />
    public void TrackModelLoaded(string model, string version, TimeSpan elapsed, bool success, string? errorMessage)
    {
    }

    /// <inheritdoc />
    public void TrackPrediction(string model, string version, int rows, TimeSpan elapsed, bool success)
    {
    }
}
