using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shipyard.Models;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Scoring;
using Shipyard.Scoring.Internals;
using Shipyard.Storage;
using Shipyard.Telemetry;

namespace Shipyard;

/// <summary>Registers the Shipyard domain in a host's service collection.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds options (section <c>Shipyard</c>), the blob store (<see cref="StorageServiceCollectionExtensions.AddShipyardStorage"/>:
    /// <c>AzureWebJobsStorage</c>, else the embedded file store at <c>Shipyard:DataPath</c>), <see cref="ModelRegistry"/>,
    /// <see cref="PredictionLogWriter"/>, <see cref="PredictionService"/>, <see cref="IShipyardTelemetry"/> (no-op unless
    /// registered before this call, or replaced after it), <see cref="TimeProvider"/>, and the hosted service that loads
    /// the registry before the server starts, polls it, and flushes the prediction log on shutdown. Registrations made
    /// before this call win (TryAdd), so tests can substitute a store.
    /// </summary>
    public static IServiceCollection AddShipyard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ShipyardOptions>().Bind(configuration.GetSection(ShipyardOptions.SectionName));
        services.AddShipyardStorage(configuration);
        services.TryAddSingleton<IShipyardTelemetry>(NullShipyardTelemetry.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ModelRegistry>();
        services.TryAddSingleton<PredictionLogWriter>();
        services.TryAddSingleton<PredictionService>();
        services.TryAddSingleton<EvaluationService>();
        services.AddHostedService<ShipyardHostedService>();
        return services;
    }
}
