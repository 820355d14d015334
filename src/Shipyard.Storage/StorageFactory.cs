using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Shipyard.Storage;

/// <summary>
/// Picks the storage from configuration, as DESIGN.md §3 says: <c>AzureWebJobsStorage</c> present (a connection
/// string, <c>UseDevelopmentStorage=true</c>, or the identity-based section) → Azure; otherwise the embedded file
/// store at <c>Shipyard:DataPath</c> (default <c>./.shipyard</c>, relative to the current directory).
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

    /// <summary>Creates the blob store configuration selects; <paramref name="loggerFactory"/> logs the file store's clean-ups.</summary>
    public static IBlobStore CreateBlobStore(IConfiguration configuration, StorageClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        StorageConnection.FromConfiguration(configuration, ConnectionName) is { } connection
            ? new AzureBlobStore(connection, options)
            : new FileBlobStore(GetDataPath(configuration), logger: loggerFactory?.CreateLogger<FileBlobStore>());

    /// <summary>Creates the message queue configuration selects (Azure queues, or files under the data path).</summary>
    public static IMessageQueue CreateMessageQueue(IConfiguration configuration, StorageClientOptions? options = null) =>
        StorageConnection.FromConfiguration(configuration, ConnectionName) is { } connection
            ? new AzureMessageQueue(connection, options)
            : new FileMessageQueue(GetDataPath(configuration));
}
