using Azure.Core;

namespace Shipyard.Storage;

/// <summary>
/// Pipeline options for <see cref="AzureBlobStore"/> and <see cref="AzureMessageQueue"/>. Defaults: exponential
/// retry, 5 retries from 0.8 s up to 30 s (so a storage outage of ~20 s is ridden out), Blob/Queue REST version
/// <see cref="DefaultServiceVersion"/>.
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    /// <summary>The REST API version sent as <c>x-ms-version</c>.</summary>
    public const string DefaultServiceVersion = "2021-12-02";

    /// <summary>Creates the options with Shipyard's retry defaults.</summary>
    public StorageClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(30);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
    }

    /// <summary>The <c>x-ms-version</c> header value.</summary>
    public string ServiceVersion { get; set; } = DefaultServiceVersion;

    /// <summary>How often a read stream reopens (with a Range request pinned to the ETag) after a broken connection; default 5.</summary>
    public int MaxReadResumes { get; set; } = 5;
}
