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

    /// <summary>The Azure connection configuration selects, or null for the embedded file store.</summary>
    /// <exception cref="ArgumentException">The <c>AzureWebJobsStorage</c> settings are malformed or incomplete (the message names the setting, never the key).</exception>
    public static StorageConnection? GetConnection(IConfiguration configuration) =>
        StorageConnection.FromConfiguration(configuration, ConnectionName);

    /// <summary>Names the store configuration selects, without secrets: the blob endpoint and how it authenticates, or the folder.</summary>
    public static string Describe(IConfiguration configuration) =>
        GetConnection(configuration) is { } connection
            ? $"Azure Blob storage {connection.BlobEndpoint} ({connection.AuthenticationName})"
            : "file store " + GetDataPath(configuration);

    /// <summary>Creates the blob store configuration selects; <paramref name="loggerFactory"/> logs the file store's clean-ups.</summary>
    public static IBlobStore CreateBlobStore(IConfiguration configuration, StorageClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        GetConnection(configuration) is { } connection
            ? new AzureBlobStore(connection, options)
            : new FileBlobStore(GetDataPath(configuration), logger: loggerFactory?.CreateLogger<FileBlobStore>());

    /// <summary>Creates the message queue configuration selects (Azure queues, or files under the data path); <paramref name="loggerFactory"/> logs moves of undecodable messages.</summary>
    /// <exception cref="ArgumentException">The settings give a blob endpoint but no queue endpoint.</exception>
    public static IMessageQueue CreateMessageQueue(IConfiguration configuration, StorageClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        GetConnection(configuration) is { } connection
            ? new AzureMessageQueue(WithQueueEndpoint(connection), options, loggerFactory?.CreateLogger<AzureMessageQueue>())
            : new FileMessageQueue(GetDataPath(configuration));

    /// <summary>
    /// Checks at start what <see cref="CreateBlobStore"/> and <see cref="CreateMessageQueue"/> would refuse later: a
    /// malformed connection string, an incomplete identity-based section, or no queue endpoint.
    /// </summary>
    /// <exception cref="ArgumentException">The message names the setting to fix and never contains the key.</exception>
    public static void Validate(IConfiguration configuration)
    {
        if (GetConnection(configuration) is { } connection)
        {
            WithQueueEndpoint(connection);
        }
    }

    private static StorageConnection WithQueueEndpoint(StorageConnection connection) => connection.QueueEndpoint is not null
        ? connection
        : throw new ArgumentException($"Identity-based storage connection {ConnectionName} has a blob endpoint but no queue endpoint; set {ConnectionName}__queueServiceUri (or {ConnectionName}__accountName).");
}
