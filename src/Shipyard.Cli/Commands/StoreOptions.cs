using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Storage;

namespace Shipyard.Cli.Commands;

/// <summary>
/// Which store and bundled models folder a <c>shipyard models</c> command works on, chosen the way the server chooses:
/// <c>AzureWebJobsStorage</c> (connection string or the identity-based <c>AzureWebJobsStorage__accountName</c> /
/// <c>__blobServiceUri</c> settings) → Azure Blob storage, else the embedded file store at <c>Shipyard:DataPath</c>
/// (default <c>./.shipyard</c>). Which setting wins: <c>--connection-string</c>, then <c>--data-path</c> (the file store,
/// even when <c>AzureWebJobsStorage</c> is set), then the environment. Giving both options is an error.
/// </summary>
internal sealed class ModelStoreOptions
{
    private readonly Func<IBlobStore, IBlobStore> _decorate;

    public ModelStoreOptions(Func<IBlobStore, IBlobStore>? decorate)
    {
        _decorate = decorate ?? (store => store);
    }

    public Option<string?> DataPath { get; } = new("--data-path")
    {
        Description = "Embedded file store folder (default: Shipyard__DataPath, else ./.shipyard). Wins over AzureWebJobsStorage.",
    };

    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Azure Storage connection string (default: the AzureWebJobsStorage setting). Prefer the environment variable: arguments are visible to other users of the machine.",
    };

    public Option<DirectoryInfo?> ModelsPath { get; } = new("--models-path")
    {
        Description = "Bundled models folder the server also serves (default: Shipyard__ModelsPath, else the first models/ folder above the current directory).",
    };

    /// <summary>Adds the store options (and, when <paramref name="withModelsPath"/>, the bundled folder) to <paramref name="command"/>.</summary>
    public void AddTo(Command command, bool withModelsPath)
    {
        command.Options.Add(DataPath);
        command.Options.Add(ConnectionString);
        if (withModelsPath)
        {
            command.Options.Add(ModelsPath);
        }
    }

    /// <summary>Opens the selected store. The description names the store without secrets (endpoint or folder only).</summary>
    public (IBlobStore Store, string Description, IConfiguration Configuration) Open(ParseResult parseResult)
    {
        var dataPath = parseResult.GetValue(DataPath);
        var connectionString = parseResult.GetValue(ConnectionString);
        if (dataPath is not null && connectionString is not null)
        {
            throw new ArgumentException("--data-path and --connection-string select different stores; give one of them.");
        }

        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (connectionString is not null)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new ArgumentException("--connection-string is empty.");
            }

            overrides[StorageFactory.ConnectionName] = connectionString;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddConfiguration(environment).AddInMemoryCollection(overrides).Build();
        IBlobStore store;
        string description;
        if (dataPath is not null)
        {
            if (string.IsNullOrWhiteSpace(dataPath))
            {
                throw new ArgumentException("--data-path is empty.");
            }

            description = "file store " + Path.GetFullPath(dataPath);
            store = new FileBlobStore(Path.GetFullPath(dataPath));
        }
        else if (StorageConnection.FromConfiguration(configuration, StorageFactory.ConnectionName) is { } connection)
        {
            // StorageConnection's messages and ToString never carry the key; the endpoint is not a secret.
            description = $"Azure Blob storage {connection.BlobEndpoint} ({(connection.UsesSharedKey ? "shared key" : "Microsoft Entra ID")})";
            store = new AzureBlobStore(connection);
        }
        else
        {
            var path = StorageFactory.GetDataPath(configuration);
            description = "file store " + path;
            store = new FileBlobStore(path);
        }

        return (_decorate(store), description, configuration);
    }

    /// <summary>
    /// Opens the store and loads a registry over it and the bundled folder, exactly as the server's registry loads
    /// (same sources, same checks, same routing rules), with polling off.
    /// </summary>
    public async Task<(ModelRegistry Registry, string Description)> OpenRegistryAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (store, description, configuration) = Open(parseResult);
        var options = new ShipyardOptions();
        configuration.GetSection(ShipyardOptions.SectionName).Bind(options);
        if (parseResult.GetValue(ModelsPath) is { } modelsPath)
        {
            options.ModelsPath = modelsPath.Exists ? modelsPath.FullName : throw new ArgumentException($"--models-path '{modelsPath.FullName}' does not exist.");
        }

        options.RegistryPollInterval = TimeSpan.Zero;
        var registry = new ModelRegistry(store, Options.Create(options));
        try
        {
            await registry.StartAsync(cancellationToken).ConfigureAwait(false);
            return (registry, description);
        }
        catch
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
