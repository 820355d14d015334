using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Shipyard.Storage;

/// <summary>Registers Shipyard's storage in DI.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IBlobStore"/> (and the message queue) as singletons chosen by <see cref="StorageFactory"/>.
    /// Existing registrations win (tests can register their own first).
    /// </summary>
    /// <exception cref="ArgumentException">The storage settings are malformed or incomplete: thrown here, at start, with a
    /// message naming the setting (never the key), rather than at the first request.</exception>
    public static IServiceCollection AddShipyardStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var storage = StorageFactory.Select(configuration).RequireQueues(); // read once: the blob store and the queue share one credential
        services.TryAddSingleton(storage);
        services.TryAddSingleton(sp => storage.CreateBlobStore(loggerFactory: sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => storage.CreateMessageQueue(loggerFactory: sp.GetService<ILoggerFactory>()));
        return services;
    }
}
