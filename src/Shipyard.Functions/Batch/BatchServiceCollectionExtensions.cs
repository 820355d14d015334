using Shipyard.Batch;
using Shipyard.Functions.CustomHandler;

namespace Shipyard.Functions.Batch;

/// <summary>Registers batch scoring in the function app.</summary>
public static class BatchServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BatchOptions"/> (BATCH_CHUNK_ROWS, BATCH_MAX_ERROR_RATE), <see cref="BatchScorer"/>,
    /// <see cref="BlobBatchProcessor"/> and, in standalone mode (no FUNCTIONS_CUSTOMHANDLER_PORT) unless
    /// <c>Shipyard:Batch:Watcher:Enabled</c> is false, the polling <see cref="BatchWatcher"/>.
    /// </summary>
    public static IServiceCollection AddShipyardBatch(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(_ => BatchOptions.FromConfiguration(configuration));
        services.AddSingleton(sp => new BatchScorer(sp.GetRequiredService<BatchOptions>(), sp.GetService<Shipyard.Telemetry.IShipyardTelemetry>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<BlobBatchProcessor>();
        services.AddOptions<BatchWatcherOptions>().Bind(configuration.GetSection(BatchWatcherOptions.SectionName));
        services.AddSingleton<BatchWatcher>();
        var watcher = configuration.GetSection(BatchWatcherOptions.SectionName).Get<BatchWatcherOptions>() ?? new BatchWatcherOptions();
        if (!new CustomHandlerEnvironment(configuration).IsActive && watcher.Enabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<BatchWatcher>());
        }

        return services;
    }
}
