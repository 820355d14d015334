using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Telemetry;

namespace Shipyard;

/// <summary>Registers the Shipyard domain in a host's service collection.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds options (section <c>Shipyard</c>), the blob store (from <c>AzureWebJobsStorage</c>, else the embedded file
    /// store at <c>Shipyard:DataPath</c>), <see cref="ModelRegistry"/>, <see cref="PredictionService"/>, the prediction
    /// log writer, <see cref="IShipyardTelemetry"/> (no-op unless the host registered one before or after: the last
    /// registration wins, this one is TryAdd), and the hosted service that starts the registry, polls it, and flushes
    /// the prediction log on shutdown. Call once.
    /// </summary>
    public static IServiceCollection AddShipyard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ShipyardOptions>().Bind(configuration.GetSection(ShipyardOptions.SectionName));
        services.TryAddSingleton<IShipyardTelemetry>(NullShipyardTelemetry.Instance);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
