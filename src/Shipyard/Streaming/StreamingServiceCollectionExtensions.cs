using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Storage;
using Shipyard.Telemetry;

namespace Shipyard.Streaming;

/// <summary>Registers stream scoring; both hosts call it (the Functions app's StreamScore trigger, the server's queue poller).</summary>
public static class StreamingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="StreamOptions"/> (section <c>Shipyard:Streaming</c>, STREAM_MAX_DEQUEUE), <see cref="StreamScorer"/>,
    /// <see cref="StreamDeduplicator"/> and <see cref="StreamProcessor"/>. Needs AddShipyard (storage, registry, scorer).
    /// </summary>
    public static IServiceCollection AddShipyardStreaming(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = StreamOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton<StreamScorer>();
        services.AddSingleton(sp => new StreamDeduplicator(sp.GetRequiredService<IBlobStore>(), options, sp.GetService<TimeProvider>()));
        services.AddSingleton(sp => new StreamProcessor(
            sp.GetRequiredService<StreamScorer>(),
            sp.GetRequiredService<StreamDeduplicator>(),
            sp.GetRequiredService<IMessageQueue>(),
            options,
            sp.GetService<IShipyardTelemetry>()));
        return services;
    }
}
