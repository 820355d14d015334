using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Storage;

namespace Shipyard.Cli.Commands;

/// <summary>
/// Which store (and bundled models folder) a storage command works on: the same options on every command that touches
/// storage (<c>models …</c>, <c>drift run</c>), and the store itself chosen by <see cref="StorageFactory"/> exactly as
/// the server chooses it. Which setting wins: <c>--connection-string</c> (as <c>AzureWebJobsStorage</c>), then
/// <c>--data-path</c> (the file store, even when <c>AzureWebJobsStorage</c> is set), then the environment
/// (<c>AzureWebJobsStorage</c> or its identity-based <c>__accountName</c> / <c>__blobServiceUri</c> settings, else
/// <c>Shipyard__DataPath</c>, else <c>./.shipyard</c>). Giving both options is an error.
/// </summary>
internal sealed class StoreOptions
{
    private readonly Func<IBlobStore, IBlobStore> _decorate;

    public StoreOptions(Func<IBlobStore, IBlobStore>? decorate = null)
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

    /// <summary>
    /// The configuration the command runs with: the environment, with the options applied as the settings they stand
    /// for, so that <see cref="StorageFactory"/> picks the store from it.
    /// </summary>
    public IConfiguration Configure(ParseResult parseResult)
    {
        var dataPath = parseResult.GetValue(DataPath);
        var connectionString = parseResult.GetValue(ConnectionString);
        if (dataPath is not null && connectionString is not null)
        {
            throw new ArgumentException("--data-path and --connection-string select different stores; give one of them.");
        }

        IEnumerable<KeyValuePair<string, string?>> settings = new ConfigurationBuilder().AddEnvironmentVariables().Build().AsEnumerable();
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (connectionString is not null)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new ArgumentException("--connection-string is empty.");
            }

            CheckConnectionString(connectionString);
            overrides[StorageFactory.ConnectionName] = connectionString;
        }

        if (dataPath is not null)
        {
            if (string.IsNullOrWhiteSpace(dataPath))
            {
                throw new ArgumentException("--data-path is empty.");
            }

            // The file store wins: drop every AzureWebJobsStorage setting, as if it were not configured.
            settings = settings.Where(setting => !IsStorageConnectionSetting(setting.Key));
            overrides[StorageFactory.DataPathKey] = Path.GetFullPath(dataPath);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).AddInMemoryCollection(overrides).Build();
    }

    /// <summary>
    /// Opens the selected blob store. The selection (read once) also opens the queue over the same connection, and its
    /// description names the store without secrets (endpoint or folder only).
    /// </summary>
    public (IBlobStore Store, SelectedStorage Storage, IConfiguration Configuration) Open(ParseResult parseResult)
    {
        var configuration = Configure(parseResult);
        var storage = StorageFactory.Select(configuration);
        return (_decorate(storage.CreateBlobStore()), storage, configuration);
    }

    /// <summary>
    /// Opens the store and loads a registry over it and the bundled folder, exactly as the server's registry loads
    /// (same sources, same checks, same routing rules), with polling off.
    /// </summary>
    public async Task<(ModelRegistry Registry, string Description)> OpenRegistryAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (registry, _, _, description) = await OpenRegistryWithStoreAsync(parseResult, cancellationToken).ConfigureAwait(false);
        return (registry, description);
    }

    /// <summary>As <see cref="OpenRegistryAsync"/>, also giving the store and the <c>Shipyard</c> settings the registry was opened with.</summary>
    public async Task<(ModelRegistry Registry, IBlobStore Store, ShipyardOptions Options, string Description)> OpenRegistryWithStoreAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (store, storage, configuration) = Open(parseResult);
        var description = storage.Description;
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
            return (registry, store, options, description);
        }
        catch
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void CheckConnectionString(string connectionString)
    {
        try
        {
            StorageConnection.Parse(connectionString);
        }
        catch (ArgumentException e)
        {
            // Parse never echoes the string (it holds the key).
            throw new ArgumentException($"--connection-string is not a usable storage connection string: {e.Message}", e);
        }
    }

    private static bool IsStorageConnectionSetting(string key) =>
        key.Equals(StorageFactory.ConnectionName, StringComparison.OrdinalIgnoreCase)
        || key.StartsWith(StorageFactory.ConnectionName + ":", StringComparison.OrdinalIgnoreCase)
        || key.Equals("ConnectionStrings:" + StorageFactory.ConnectionName, StringComparison.OrdinalIgnoreCase);
}
