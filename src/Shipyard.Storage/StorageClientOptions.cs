using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Shipyard.Storage;

/// <summary>
/// How <see cref="AzureBlobStore"/> and <see cref="AzureMessageQueue"/> configure their Azure SDK clients. Defaults:
/// exponential retry, 5 retries from 0.8 s up to 30 s (so a storage outage of ~20 s is ridden out), 100 s per
/// network attempt. The service version is the SDK's own.
/// </summary>
public sealed record StorageClientOptions
{
    /// <summary>Retries after the first attempt (default 5; 0 fails at the first error).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Delay before the first retry, doubling after each (default 0.8 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(0.8);

    /// <summary>Longest delay between two retries (default 30 s).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one network attempt (default 100 s).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>The HTTP transport; null is the SDK's shared one (tests pass one that trusts a local certificate).</summary>
    public HttpPipelineTransport? Transport { get; init; }

    /// <summary>Blob client options with these settings.</summary>
    internal BlobClientOptions ToBlobClientOptions() => Configure(new BlobClientOptions());

    /// <summary>Queue client options with these settings and <paramref name="encoding"/>.</summary>
    internal QueueClientOptions ToQueueClientOptions(QueueMessageEncoding encoding) => Configure(new QueueClientOptions { MessageEncoding = encoding });

    private T Configure<T>(T options)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        if (Transport is not null)
        {
            options.Transport = Transport;
        }

        return options;
    }
}
