using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shipyard.Monitoring;

/// <summary>Registers the drift check; both hosts call it (the Functions app's DriftCheck timer, the server's scheduler).</summary>
public static class DriftServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DriftCheckOptions"/> (DRIFT_SCHEDULE, DRIFT_WINDOW, DRIFT_RETRAIN_ON, DRIFT_MIN_ROWS, DRIFT_WEBHOOK_URL;
    /// invalid values fail startup with the setting named), the <see cref="IRetrainNotifier"/> (<see cref="RetrainNotifier"/>: queue
    /// <c>retrain-requests</c> through the storage layer's <c>IMessageQueue</c> from AddShipyard, plus the webhook when set),
    /// <see cref="DriftMonitor"/>, the scheduled <see cref="Evaluation.EvaluationCheck"/> and <see cref="DriftCheckJob"/>. Call after AddShipyard.
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
        services.AddSingleton<Evaluation.EvaluationCheck>();
        services.AddSingleton<DriftCheckJob>();
        return services;
    }
}
