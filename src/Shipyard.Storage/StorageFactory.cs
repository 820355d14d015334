using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Shipyard.Storage;

/// <summary>
/// The one place that picks the storage from configuration, as DESIGN.md §3 says: <c>AzureWebJobsStorage</c> present
/// (a connection string, <c>UseDevelopmentStorage=true</c>, or the identity-based section) → Azure through the Azure
/// SDKs; otherwise the embedded file store at <c>Shipyard:DataPath</c> (default <c>./.shipyard</c>, relative to the
/// current directory). The server, the function app and the CLI all open their stores here.
/// </summary>
public static class StorageFactory
{
    /// <summary>The configuration key of the embedded store's folder.</summary>
    public const string DataPathKey = "Shipyard:DataPath";

    /// <summary>The default embedded store folder.</summary>
    public const string DefaultDataPath = "./.shipyard";

    /// <summary>The configuration name of the Azure Storage connection.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    /// <summary>The absolute folder of the embedded store.</summary>
    public static string GetDataPath(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Path.GetFullPath(configuration[DataPathKey] is { Length: > 0 } path ? path : DefaultDataPath);
    }

    /// <summary>
    /// Reads and checks the storage settings once: a malformed connection string or an incomplete identity-based section
    /// is refused here, at start, rather than at the first request (<see cref="SelectedStorage.RequireQueues"/> checks
    /// the queue endpoint for callers that need queues).
    /// </summary>
    /// <exception cref="ArgumentException">The message names the setting to fix and never contains the key.</exception>
    public static SelectedStorage Select(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return StorageConnection.FromConfiguration(configuration, ConnectionName) is { } connection
            ? new SelectedStorage(connection, null)
            : new SelectedStorage(null, GetDataPath(configuration));
    }

    /// <summary>Opens the blob store configuration selects (<see cref="Select"/>, then <see cref="SelectedStorage.CreateBlobStore"/>).</summary>
    public static IBlobStore CreateBlobStore(IConfiguration configuration, StorageClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        Select(configuration).CreateBlobStore(options, loggerFactory);

    /// <summary>Opens the message queue configuration selects (<see cref="Select"/>, then <see cref="SelectedStorage.CreateMessageQueue"/>).</summary>
    public static IMessageQueue CreateMessageQueue(IConfiguration configuration, StorageClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        Select(configuration).CreateMessageQueue(options, loggerFactory);
}
