using Shipyard.Functions.CustomHandler;
using Shipyard.Streaming;

namespace Shipyard.Functions.Streaming;

/// <summary>Registers stream scoring in the function app.</summary>
public static class StreamingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="StreamOptions"/> (section <c>Shipyard:Streaming</c>, STREAM_MAX_DEQUEUE), <see cref="StreamScorer"/>,
    /// <see cref="StreamDeduplicator"/>, <see cref="StreamProcessor"/> and, standalone (no FUNCTIONS_CUSTOMHANDLER_PORT)
    /// unless <c>Shipyard:Streaming:PollerEnabled</c> is false, the <see cref="StreamQueuePoller"/>. Needs AddShipyard
    /// (storage, registry, scorer) for the blob store and the message queue.
    /// </summary>
    public static IServiceCollection AddShipyardStreaming(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = StreamOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton<StreamScorer>();
        services.AddSingleton(sp => new StreamDeduplicator(sp.GetRequiredService<Shipyard.Storage.IBlobStore>(), options, sp.GetService<TimeProvider>()));
        services.AddSingleton(sp => new StreamProcessor(
            sp.GetRequiredService<StreamScorer>(),
            sp.GetRequiredService<StreamDeduplicator>(),
            sp.GetRequiredService<Shipyard.Storage.IMessageQueue>(),
            options,
            sp.GetService<Shipyard.Telemetry.IShipyardTelemetry>()));
        services.AddSingleton<StreamQueuePoller>();
        if (!new CustomHandlerEnvironment(configuration).IsActive && options.PollerEnabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<StreamQueuePoller>());
        }

        return services;
    }
}
