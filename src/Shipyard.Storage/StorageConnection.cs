using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Shipyard.Storage;

/// <summary>
/// Where an Azure Storage account is and how to authenticate, read the way the Functions host reads
/// <c>AzureWebJobsStorage</c>: a connection string, or an identity-based section
/// (<c>AzureWebJobsStorage__accountName</c> / <c>__blobServiceUri</c> / <c>__queueServiceUri</c>,
/// <c>__credential</c>, <c>__clientId</c>).
/// See https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity.
/// </summary>
/// <remarks>
/// Which setting wins: a non-empty string value of <c>AzureWebJobsStorage</c> is a connection string; otherwise the
/// <c>AzureWebJobsStorage</c> section is identity-based; otherwise <c>ConnectionStrings:AzureWebJobsStorage</c>.
/// Within a connection string, explicit <c>BlobEndpoint</c>/<c>QueueEndpoint</c> win over endpoints built from
/// <c>AccountName</c> + <c>EndpointSuffix</c>. Error messages name the setting and never contain the account key.
/// </remarks>
public sealed class StorageConnection
{
    // Azurite's well-known account (public, documented): https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
    private const string DevelopmentAccount = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnection(Uri? blobEndpoint, Uri? queueEndpoint, string? accountName, StorageSharedKeyCredential? sharedKey, TokenCredential? credential)
    {
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        AccountName = accountName;
        SharedKey = sharedKey;
        Credential = credential;
    }

    /// <summary>The blob service endpoint (for Azurite it includes the account: http://127.0.0.1:10000/devstoreaccount1).</summary>
    public Uri? BlobEndpoint { get; }

    /// <summary>The queue service endpoint, or null when the settings give none (then no queue client can be made).</summary>
    public Uri? QueueEndpoint { get; }

    /// <summary>The account name, when the settings give it.</summary>
    public string? AccountName { get; }

    /// <summary>The identity used instead of an account key, or null for Shared Key.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>True when requests are signed with the account key.</summary>
    public bool UsesSharedKey => SharedKey is not null;

    /// <summary>How this connection is described without secrets: "shared key" or "Microsoft Entra ID".</summary>
    public string AuthenticationName => UsesSharedKey ? "shared key" : "Microsoft Entra ID";

    private StorageSharedKeyCredential? SharedKey { get; }

    /// <summary>Shared Key access with an explicit key (tests, tools).</summary>
    /// <exception cref="ArgumentException">The key is not base64 (the message does not echo it).</exception>
    public static StorageConnection ForSharedKey(string accountName, string accountKey, Uri? blobEndpoint, Uri? queueEndpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        return new(blobEndpoint, queueEndpoint, accountName, SharedKeyCredential(accountName, accountKey, "the account key"), null);
    }

    /// <summary>Token access (Microsoft Entra ID) with any <see cref="TokenCredential"/>.</summary>
    /// <exception cref="ArgumentException">An endpoint is not https (a bearer token is never sent in clear text).</exception>
    public static StorageConnection ForCredential(TokenCredential credential, Uri? blobEndpoint, Uri? queueEndpoint)
    {
        ArgumentNullException.ThrowIfNull(credential);
        RequireHttps(blobEndpoint, "the blob endpoint");
        RequireHttps(queueEndpoint, "the queue endpoint");
        return new(blobEndpoint, queueEndpoint, null, null, credential);
    }

    /// <summary>Parses a storage connection string (account key, endpoints, or <c>UseDevelopmentStorage=true</c>).</summary>
    /// <exception cref="ArgumentException">A required part is missing or malformed: the message names the part (it is the
    /// whole message, no parameter name is appended) and never echoes a value, so the key cannot leak through it.</exception>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"Storage connection string has a part without 'name=value' (part {parts.Count + 1}).");
            }

            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            var host = parts.TryGetValue("DevelopmentStorageProxyUri", out var proxy)
                ? Uri.TryCreate(proxy, UriKind.Absolute, out var proxyUri) ? proxyUri : throw new ArgumentException("Storage connection string DevelopmentStorageProxyUri is not an absolute URI.")
                : new Uri("http://127.0.0.1");
            return new(
                new Uri($"{host.Scheme}://{host.Host}:10000/{DevelopmentAccount}"),
                new Uri($"{host.Scheme}://{host.Host}:10001/{DevelopmentAccount}"),
                DevelopmentAccount,
                SharedKeyCredential(DevelopmentAccount, DevelopmentKey, "the development key"),
                null);
        }

        if (parts.ContainsKey("SharedAccessSignature"))
        {
            throw new ArgumentException("Storage connection strings with SharedAccessSignature are not supported; use AccountName/AccountKey or an identity-based connection (AzureWebJobsStorage__accountName).");
        }

        var account = parts.GetValueOrDefault("AccountName");
        var key = parts.GetValueOrDefault("AccountKey");
        if (string.IsNullOrEmpty(account) || string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"Storage connection string needs AccountName and AccountKey (missing: {(string.IsNullOrEmpty(account) ? "AccountName" : "AccountKey")}).");
        }

        var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https";
        if (protocol is not ("http" or "https"))
        {
            throw new ArgumentException($"Storage connection string DefaultEndpointsProtocol is '{protocol}'; expected http or https.");
        }

        var suffix = parts.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net";
        return new(
            Endpoint(parts, "BlobEndpoint") ?? AccountEndpoint(protocol, account, "blob", suffix, "AccountName"),
            Endpoint(parts, "QueueEndpoint") ?? AccountEndpoint(protocol, account, "queue", suffix, "AccountName"),
            account,
            SharedKeyCredential(account, key, "AccountKey"),
            null);
    }

    /// <summary>
    /// Reads the connection named <paramref name="name"/> (default <c>AzureWebJobsStorage</c>) from configuration,
    /// or returns null when it is not configured (the caller then uses the embedded store).
    /// </summary>
    /// <exception cref="ArgumentException">The setting is malformed or incomplete; the message names the setting (as an
    /// environment variable) and what is wrong, never the key.</exception>
    public static StorageConnection? FromConfiguration(IConfiguration configuration, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (configuration[name] is { Length: > 0 } connectionString)
        {
            return ParseSetting(connectionString, name);
        }

        var section = configuration.GetSection(name);
        if (section.GetChildren().Any())
        {
            return FromIdentitySection(section);
        }

        var fallback = $"ConnectionStrings:{name}";
        return configuration[fallback] is { Length: > 0 } fromConnectionStrings ? ParseSetting(fromConnectionStrings, fallback) : null;
    }

    /// <summary>A blob service client for this account (the SDK's own retry, auth and transport pipeline).</summary>
    internal BlobServiceClient CreateBlobServiceClient(StorageClientOptions options)
    {
        var endpoint = BlobEndpoint ?? throw new ArgumentException("The storage connection has no blob endpoint (set BlobEndpoint, AccountName or AzureWebJobsStorage__blobServiceUri).");
        return SharedKey is { } key
            ? new BlobServiceClient(endpoint, key, options.ToBlobClientOptions())
            : new BlobServiceClient(endpoint, Credential!, options.ToBlobClientOptions());
    }

    /// <summary>A queue service client for this account with the given SDK options (message encoding, event handlers).</summary>
    internal QueueServiceClient CreateQueueServiceClient(QueueClientOptions options)
    {
        var endpoint = QueueEndpoint ?? throw new ArgumentException("The storage connection has no queue endpoint (set QueueEndpoint, or AzureWebJobsStorage__queueServiceUri next to AzureWebJobsStorage__blobServiceUri).");
        return SharedKey is { } key
            ? new QueueServiceClient(endpoint, key, options)
            : new QueueServiceClient(endpoint, Credential!, options);
    }

    /// <inheritdoc />
    public override string ToString() => $"{AuthenticationName} {AccountName} blob={BlobEndpoint} queue={QueueEndpoint}";

    private static StorageConnection ParseSetting(string connectionString, string setting)
    {
        try
        {
            return Parse(connectionString);
        }
        catch (ArgumentException e)
        {
            // Parse's messages never echo the string (it holds the key); add which setting it came from.
            throw new ArgumentException($"Setting {EnvironmentName(setting)} is not a usable storage connection string: {e.Message}", e);
        }
    }

    private static StorageConnection FromIdentitySection(IConfigurationSection section)
    {
        string Setting(string key) => $"{EnvironmentName(section.Path)}__{key}";

        var account = section["accountName"];
        var blob = section["blobServiceUri"] ?? section["serviceUri"];
        var queue = section["queueServiceUri"];
        if (string.IsNullOrEmpty(account) && string.IsNullOrEmpty(blob))
        {
            throw new ArgumentException($"Identity-based storage connection {EnvironmentName(section.Path)} needs {Setting("accountName")} or {Setting("blobServiceUri")} (found only: {string.Join(", ", section.GetChildren().Select(c => Setting(c.Key)))}).");
        }

        if (account is { Length: > 0 } && !IsAccountName(account))
        {
            throw new ArgumentException($"Setting {Setting("accountName")} is '{account}'; a storage account name is 3-24 lowercase letters and digits.");
        }

        var blobEndpoint = blob is { Length: > 0 } ? IdentityEndpoint(blob, Setting(section["blobServiceUri"] is null ? "serviceUri" : "blobServiceUri")) : AccountEndpoint("https", account!, "blob", "core.windows.net", Setting("accountName"));
        var queueEndpoint = queue is { Length: > 0 } ? IdentityEndpoint(queue, Setting("queueServiceUri"))
            : account is { Length: > 0 } ? AccountEndpoint("https", account, "queue", "core.windows.net", Setting("accountName")) : null;
        var clientId = section["clientId"];
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrEmpty(clientId) ? null : clientId });
        return new(blobEndpoint, queueEndpoint, account, null, credential);
    }

    private static Uri IdentityEndpoint(string value, string setting) =>
        Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? uri
            : throw new ArgumentException($"Setting {setting} must be an absolute https URI (a bearer token is never sent in clear text).");

    private static Uri AccountEndpoint(string protocol, string account, string service, string suffix, string setting) =>
        Uri.TryCreate($"{protocol}://{account}.{service}.{suffix}", UriKind.Absolute, out var uri)
            ? uri
            : throw new ArgumentException($"{setting} and EndpointSuffix do not make a valid {service} endpoint.");

    private static Uri? Endpoint(Dictionary<string, string> parts, string key) =>
        parts.TryGetValue(key, out var value) && value.Length > 0
            ? Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"Storage connection string {key} is not an absolute URI.")
            : null;

    private static void RequireHttps(Uri? endpoint, string what)
    {
        if (endpoint is not null && endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Token authentication needs https; {what} is {endpoint.Scheme} (a bearer token is never sent in clear text).");
        }
    }

    private static StorageSharedKeyCredential SharedKeyCredential(string account, string key, string what)
    {
        if (!Convert.TryFromBase64String(key, new byte[key.Length], out _))
        {
            throw new ArgumentException($"Storage {what} is not valid base64.");
        }

        return new StorageSharedKeyCredential(account, key);
    }

    private static bool IsAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    private static string EnvironmentName(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);
}
