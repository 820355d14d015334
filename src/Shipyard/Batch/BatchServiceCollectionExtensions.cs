using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Telemetry;

namespace Shipyard.Batch;

/// <summary>Registers batch scoring; both hosts call it (the Functions app's BatchScore trigger, the server's blob watcher).</summary>
public static class BatchServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BatchOptions"/> (BATCH_CHUNK_ROWS, BATCH_MAX_ERROR_RATE), <see cref="BatchScorer"/> and
    /// <see cref="BlobBatchProcessor"/>. Needs AddShipyard (storage, registry).
    /// </summary>
    public static IServiceCollection AddShipyardBatch(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(_ => BatchOptions.FromConfiguration(configuration));
        services.AddSingleton(sp => new BatchScorer(sp.GetRequiredService<BatchOptions>(), sp.GetService<IShipyardTelemetry>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<BlobBatchProcessor>();
        return services;
    }
}
