using Shipyard.Functions.CustomHandler;
using Shipyard.Monitoring;

namespace Shipyard.Functions.Monitoring;

/// <summary>Registers the drift check in the function app.</summary>
public static class DriftServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DriftCheckOptions"/> (DRIFT_SCHEDULE, DRIFT_WINDOW, DRIFT_RETRAIN_ON, DRIFT_MIN_ROWS, DRIFT_WEBHOOK_URL;
    /// invalid values fail startup with the setting named), the <see cref="IRetrainNotifier"/> (<see cref="RetrainNotifier"/>: queue
    /// <c>retrain-requests</c> through the storage layer's <c>IMessageQueue</c> from AddShipyard, plus the webhook when set),
    /// <see cref="DriftMonitor"/>, <see cref="DriftCheckJob"/> and, in standalone mode (no FUNCTIONS_CUSTOMHANDLER_PORT) unless
    /// <c>Shipyard:Drift:Scheduler:Enabled</c> is false, the <see cref="DriftScheduler"/>. Call after AddShipyard.
    /// </summary>
    public static IServiceCollection AddShipyardDrift(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = DriftCheckOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton(new DriftMonitorOptions
        {
            Window = options.Window,
            MinimumRows = options.MinimumRows,
            RetrainOnAnyFeatureDrift = options.RetrainOnAnyFeatureDrift,
        });
        services.AddSingleton<IRetrainNotifier>(sp => new RetrainNotifier(
            sp.GetRequiredService<Shipyard.Storage.IMessageQueue>(),
            sp.GetRequiredService<ILogger<RetrainNotifier>>(),
            options.WebhookUrl is null ? null : new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }),
            options.WebhookUrl));
        services.AddSingleton(sp => new DriftMonitor(
            sp.GetRequiredService<Shipyard.Storage.IBlobStore>(),
            sp.GetRequiredService<IRetrainNotifier>(),
            sp.GetRequiredService<ILogger<DriftMonitor>>(),
            sp.GetRequiredService<DriftMonitorOptions>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<DriftCheckJob>();
        services.AddSingleton<DriftScheduler>();
        if (!new CustomHandlerEnvironment(configuration).IsActive && options.SchedulerEnabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<DriftScheduler>());
        }

        return services;
    }
}
