using Shipyard.Batch;
using Shipyard.Http.Forwarding;
using Shipyard.Http.Telemetry;
using Shipyard.Monitoring;
using Shipyard.Streaming;

namespace Shipyard.Http.Hosting;

/// <summary>What every host of Shipyard registers, in one place: both hosts then serve and score alike.</summary>
public static class ShipyardAppServiceCollectionExtensions
{
    /// <summary>
    /// Telemetry (before the domain, which keeps a registered <c>IShipyardTelemetry</c>), the domain (<c>AddShipyard</c>),
    /// the HTTP API's services, GPU forwarding, and the drift, batch and streaming services the triggers (Functions) or
    /// the background jobs (server) run. Host-specific parts (keys, rate limits, triggers, background jobs) come on top.
    /// </summary>
    public static IServiceCollection AddShipyardApp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.KeepRequestLinesOff();
        services.AddShipyardTelemetry(configuration);
        services.AddShipyard(configuration);
        services.AddShipyardHttp(configuration);
        services.AddShipyardGpuForwarding(configuration);
        services.AddShipyardDrift(configuration);
        services.AddShipyardBatch(configuration);
        services.AddShipyardStreaming(configuration);
        return services;
    }
}
