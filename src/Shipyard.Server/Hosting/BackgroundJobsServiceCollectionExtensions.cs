using Shipyard.Monitoring;
using Shipyard.Server.Batch;
using Shipyard.Server.Monitoring;
using Shipyard.Server.Streaming;
using Shipyard.Streaming;

namespace Shipyard.Server.Hosting;

/// <summary>
/// The standalone server's stand-ins for the Functions app's triggers: what BatchScore, DriftCheck and StreamScore do
/// there, the blob watcher, the drift scheduler and the queue poller do here, over the same domain services.
/// </summary>
public static class BackgroundJobsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BatchWatcher"/> (section <c>Shipyard:Batch:Watcher</c>), <see cref="DriftScheduler"/> (DRIFT_SCHEDULE)
    /// and <see cref="StreamQueuePoller"/>, each as a hosted service unless its setting turns it off
    /// (<c>Shipyard:Batch:Watcher:Enabled</c>, <c>Shipyard:Drift:Scheduler:Enabled</c>, <c>Shipyard:Streaming:PollerEnabled</c>).
    /// Call after AddShipyardBatch, AddShipyardDrift and AddShipyardStreaming.
    /// </summary>
    public static IServiceCollection AddShipyardBackgroundJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BatchWatcherOptions>().Bind(configuration.GetSection(BatchWatcherOptions.SectionName));
        services.AddSingleton<BatchWatcher>();
        var watcher = configuration.GetSection(BatchWatcherOptions.SectionName).Get<BatchWatcherOptions>() ?? new BatchWatcherOptions();
        if (watcher.Enabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<BatchWatcher>());
        }

        services.AddSingleton<DriftScheduler>();
        if (DriftCheckOptions.FromConfiguration(configuration).SchedulerEnabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<DriftScheduler>());
        }

        services.AddSingleton<StreamQueuePoller>();
        if (StreamOptions.FromConfiguration(configuration).PollerEnabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<StreamQueuePoller>());
        }

        return services;
    }
}
