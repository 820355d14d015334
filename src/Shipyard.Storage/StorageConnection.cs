using Azure.Core;
using Azure.Identity;
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
/// <c>AccountName</c> + <c>EndpointSuffix</c>. Error messages never contain the account key.
/// </remarks>
public sealed class StorageConnection
{
    /// <summary>The Storage OAuth scope for <see cref="Credential"/>.</summary>
    public const string TokenScope = "https://storage.azure.com/.default";

    private StorageConnection(Uri? blobEndpoint, Uri? queueEndpoint, string? accountName, byte[]? accountKey, TokenCredential? credential)
    {
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        AccountName = accountName;
        AccountKey = accountKey;
        Credential = credential;
    }

    /// <summary>The blob service endpoint (for Azurite it includes the account: http://127.0.0.1:10000/devstoreaccount1).</summary>
    public Uri? BlobEndpoint { get; }

    /// <summary>The queue service endpoint.</summary>
    public Uri? QueueEndpoint { get; }

    /// <summary>The account name (needed for Shared Key signing).</summary>
    public string? AccountName { get; }

    /// <summary>The identity used instead of an account key, or null for Shared Key.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>True when requests are signed with the account key.</summary>
    public bool UsesSharedKey => AccountKey is not null;

    internal byte[]? AccountKey { get; }

    /// <summary>Shared Key access with an explicit key (tests, tools).</summary>
    public static StorageConnection ForSharedKey(string accountName, string accountKey, Uri? blobEndpoint, Uri? queueEndpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        return new(blobEndpoint, queueEndpoint, accountName, DecodeKey(accountKey, "the account key"), null);
    }

    /// <summary>Token access (Microsoft Entra ID) with any <see cref="TokenCredential"/>; endpoints must be https.</summary>
    public static StorageConnection ForCredential(TokenCredential credential, Uri? blobEndpoint, Uri? queueEndpoint)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new(blobEndpoint, queueEndpoint, null, null, credential);
    }

    /// <summary>Parses a storage connection string (account key, endpoints, or <c>UseDevelopmentStorage=true</c>).</summary>
    /// <exception cref="ArgumentException">A required part is missing or malformed (the message names it; the key is never echoed).</exception>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"Storage connection string has a part without 'name=value' (part {parts.Count + 1}).", nameof(connectionString));
            }

            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            // Azurite's well-known account (public, documented): https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
            var host = parts.TryGetValue("DevelopmentStorageProxyUri", out var proxy) ? new Uri(proxy) : new Uri("http://127.0.0.1");
            return new(
                new Uri($"{host.Scheme}://{host.Host}:10000/devstoreaccount1"),
                new Uri($"{host.Scheme}://{host.Host}:10001/devstoreaccount1"),
                "devstoreaccount1",
                DecodeKey("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==", "the development key"),
                null);
        }

        if (parts.ContainsKey("SharedAccessSignature"))
        {
            throw new ArgumentException("Storage connection strings with SharedAccessSignature are not supported; use AccountName/AccountKey or an identity-based connection (AzureWebJobsStorage__accountName).", nameof(connectionString));
        }

        var account = parts.GetValueOrDefault("AccountName");
        var key = parts.GetValueOrDefault("AccountKey");
        if (string.IsNullOrEmpty(account) || string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"Storage connection string needs AccountName and AccountKey (missing: {(string.IsNullOrEmpty(account) ? "AccountName" : "AccountKey")}).", nameof(connectionString));
        }

        var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https";
        var suffix = parts.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net";
        return new(
            Endpoint(parts, "BlobEndpoint") ?? new Uri($"{protocol}://{account}.blob.{suffix}"),
            Endpoint(parts, "QueueEndpoint") ?? new Uri($"{protocol}://{account}.queue.{suffix}"),
            account,
            DecodeKey(key, "AccountKey"),
            null);
    }

    /// <summary>
    /// Reads the connection named <paramref name="name"/> (default <c>AzureWebJobsStorage</c>) from configuration,
    /// or returns null when it is not configured (the caller then uses the embedded store).
    /// </summary>
    public static StorageConnection? FromConfiguration(IConfiguration configuration, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (configuration[name] is { Length: > 0 } connectionString)
        {
            return Parse(connectionString);
        }

        var section = configuration.GetSection(name);
        if (section.GetChildren().Any())
        {
            return FromIdentitySection(section);
        }

        return configuration.GetConnectionString(name) is { Length: > 0 } fromConnectionStrings ? Parse(fromConnectionStrings) : null;
    }

    private static StorageConnection FromIdentitySection(IConfigurationSection section)
    {
        var account = section["accountName"];
        var blob = section["blobServiceUri"] ?? section["serviceUri"];
        var queue = section["queueServiceUri"];
        if (string.IsNullOrEmpty(account) && string.IsNullOrEmpty(blob))
        {
            throw new ArgumentException($"Identity-based storage connection '{section.Path}' needs {section.Path}__accountName or {section.Path}__blobServiceUri.");
        }

        var clientId = section["clientId"];
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrEmpty(clientId) ? null : clientId });
        return new(
            blob is { Length: > 0 } ? new Uri(blob) : new Uri($"https://{account}.blob.core.windows.net"),
            queue is { Length: > 0 } ? new Uri(queue) : account is { Length: > 0 } ? new Uri($"https://{account}.queue.core.windows.net") : null,
            account,
            null,
            credential);
    }

    private static Uri? Endpoint(Dictionary<string, string> parts, string key) =>
        parts.TryGetValue(key, out var value) && value.Length > 0
            ? Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"Storage connection string {key} is not an absolute URI.")
            : null;

    private static byte[] DecodeKey(string key, string what)
    {
        try
        {
            return Convert.FromBase64String(key);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"Storage {what} is not valid base64.", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{(UsesSharedKey ? "SharedKey" : "Token")} {AccountName} blob={BlobEndpoint} queue={QueueEndpoint}";
}
