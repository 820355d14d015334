using System.Collections.Concurrent;
using Shipyard.Telemetry;

namespace Shipyard.Tests.Batch;

/// <summary>Keeps every event and metric so tests can assert what batch jobs report.</summary>
internal sealed class RecordingTelemetry : IShipyardTelemetry
{
    public ConcurrentQueue<(string Name, IReadOnlyDictionary<string, string> Properties)> Events { get; } = new();

    public ConcurrentQueue<(string Name, double Value)> Metrics { get; } = new();

    public void TrackEvent(string name, IReadOnlyDictionary<string, string>? properties = null) =>
        Events.Enqueue((name, properties ?? new Dictionary<string, string>()));

    public void TrackMetric(string name, double value, IReadOnlyDictionary<string, string>? properties = null) =>
        Metrics.Enqueue((name, value));

    public void TrackModelLoaded(string model, string version, TimeSpan elapsed, bool success, string? errorMessage)
    {
    }

    public void TrackPrediction(string model, string version, int rows, TimeSpan elapsed, bool success)
    {
    }
}
