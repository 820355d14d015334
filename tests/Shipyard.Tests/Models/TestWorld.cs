using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Telemetry;
using Shipyard.Testing;

namespace Shipyard.Tests.Models;

/// <summary>
/// A registry, prediction log and prediction service over a FileBlobStore in a temporary folder, with the bundled models
/// read from <see cref="ModelsPath"/> (the repository's models by default, or a private copy a test can change).
/// </summary>
internal sealed class TestWorld : IAsyncDisposable
{
    private TestWorld(string root, string modelsPath, ShipyardOptions options, IShipyardTelemetry? telemetry, TimeProvider? clock)
    {
        Root = root;
        ModelsPath = modelsPath;
        Options = options;
        Store = new FileBlobStore(Path.Combine(root, "store"));
        Registry = new ModelRegistry(Store, Microsoft.Extensions.Options.Options.Create(options), telemetry);
        Log = new PredictionLogWriter(Store, Microsoft.Extensions.Options.Options.Create(options), timeProvider: clock);
        Service = new PredictionService(Registry, Log, Microsoft.Extensions.Options.Options.Create(options), telemetry);
    }

    public string Root { get; }

    public string ModelsPath { get; }

    public ShipyardOptions Options { get; }

    public FileBlobStore Store { get; }

    public ModelRegistry Registry { get; }

    public PredictionLogWriter Log { get; }

    public PredictionService Service { get; }

    /// <summary>Creates a world; <paramref name="copyModels"/> copies the named bundled models into a private folder first.</summary>
    public static async Task<TestWorld> StartAsync(string[]? copyModels = null, Action<ShipyardOptions>? configure = null, bool start = true, IShipyardTelemetry? telemetry = null, TimeProvider? clock = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "shipyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var modelsPath = RepoPaths.Models;
        if (copyModels is not null)
        {
            modelsPath = Path.Combine(root, "models");
            foreach (var name in copyModels)
            {
                CopyDirectory(Path.Combine(RepoPaths.Models, name), Path.Combine(modelsPath, name));
            }

            Directory.CreateDirectory(modelsPath);
        }

        var options = new ShipyardOptions { ModelsPath = modelsPath, RegistryPollInterval = TimeSpan.Zero };
        configure?.Invoke(options);
        var world = new TestWorld(root, modelsPath, options, telemetry, clock);
        if (start)
        {
            await world.Registry.StartAsync();
        }

        return world;
    }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        await Registry.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
