using Microsoft.Extensions.Logging;

namespace Shipyard.Storage;

/// <summary>
/// The store configuration selects (<see cref="StorageFactory.Select"/>), read and checked once: either an Azure
/// <see cref="Connection"/> (so the blob store and the queue share one parsed connection and one credential) or the
/// embedded file store's <see cref="DataPath"/>. Opens the blob store and the message queue over it.
/// </summary>
public sealed class SelectedStorage
{
    internal SelectedStorage(StorageConnection? connection, string? dataPath)
    {
        Connection = connection;
        DataPath = dataPath;
    }

    /// <summary>The Azure connection, or null for the embedded file store.</summary>
    private StorageConnection? Connection { get; }

    /// <summary>The embedded file store's absolute folder, or null for Azure.</summary>
    private string? DataPath { get; }

    /// <summary>Names the store without secrets: the blob endpoint and how it authenticates, or the folder.</summary>
    public string Description => Connection is { } connection
        ? $"Azure Blob storage {connection.BlobEndpoint} ({connection.AuthenticationName})"
        : "file store " + DataPath;

    /// <summary>Opens the blob store; <paramref name="loggerFactory"/> logs the file store's clean-ups.</summary>
    public IBlobStore CreateBlobStore(StorageClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        Connection is { } connection
            ? new AzureBlobStore(connection, options)
            : new FileBlobStore(DataPath!, logger: loggerFactory?.CreateLogger<FileBlobStore>());

    /// <summary>Opens the message queue (Azure queues, or files under the data path); <paramref name="loggerFactory"/> logs moves of undecodable messages.</summary>
    /// <exception cref="ArgumentException">The settings give a blob endpoint but no queue endpoint.</exception>
    public IMessageQueue CreateMessageQueue(StorageClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        RequireQueues().Connection is { } connection
            ? new AzureMessageQueue(connection, options, loggerFactory?.CreateLogger<AzureMessageQueue>())
            : new FileMessageQueue(DataPath!);

    /// <summary>This selection, checked to have a queue endpoint (the file store always has queues).</summary>
    /// <exception cref="ArgumentException">The settings give a blob endpoint but no queue endpoint; the message names the setting to add.</exception>
    public SelectedStorage RequireQueues() => Connection is { QueueEndpoint: null }
        ? throw new ArgumentException($"Identity-based storage connection {StorageFactory.ConnectionName} has a blob endpoint but no queue endpoint; set {StorageFactory.ConnectionName}__queueServiceUri (or {StorageFactory.ConnectionName}__accountName).")
        : this;
}
