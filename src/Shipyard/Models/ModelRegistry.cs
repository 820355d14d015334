using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Models.Internals;
using Shipyard.Storage;
using Shipyard.Telemetry;

namespace Shipyard.Models;

/// <summary>
/// The model registry: loads packages from the bundled models folder and the store's <c>models</c> container
/// (store wins for the same name/version, and for routing.json), verifies SHA-256, keeps one ONNX session per
/// loaded version, polls for changes and swaps versions atomically (in-flight requests finish on the old session).
/// Routing changes (promote, canary, shadow, rollback) are conditional writes of routing.json to the store.
/// A thread-safe singleton; <see cref="StartAsync"/> once (the hosted service from AddShipyard does), dispose at shutdown.
/// </summary>
/// <remarks>
/// Readers (<see cref="Acquire"/>, <see cref="List"/>, <see cref="Find"/>) read an immutable snapshot without locks;
/// loads and routing updates build a new snapshot under one gate and swap it in, then release the sessions the new
/// snapshot no longer holds (each disposed once its last lease is disposed).
/// </remarks>
public sealed partial class ModelRegistry : IAsyncDisposable
{
    /// <summary>The store container holding uploaded packages and routing files.</summary>
    public const string Container = "models";

    private readonly IBlobStore _store;
    private readonly ShipyardOptions _options;
    private readonly IShipyardTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile IReadOnlyDictionary<string, ModelState> _models = new Dictionary<string, ModelState>();
    private volatile bool _ready;
    private bool _containerChecked;
    private int _disposed;

    /// <summary>Creates the registry; nothing is loaded until <see cref="StartAsync"/>.</summary>
    public ModelRegistry(IBlobStore store, IOptions<ShipyardOptions> options, IShipyardTelemetry? telemetry = null, ILogger<ModelRegistry>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        _telemetry = telemetry ?? NullShipyardTelemetry.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        BundledPath = ResolveModelsPath(_options.ModelsPath);
    }

    /// <summary>The bundled models folder in use (null when none was configured or found).</summary>
    public string? BundledPath { get; }

    /// <summary>True once the initial load finished (whether or not every version loaded: a version that failed is
    /// <see cref="ModelVersionState.Failed"/> and does not hold back readiness of the others).</summary>
    public bool IsReady => _ready;

    /// <summary>Names of the models with a version still <see cref="ModelVersionState.Loading"/> during the initial load
    /// (empty once <see cref="IsReady"/>). Before the first scan of the folders has finished nothing is known yet, so the
    /// list is empty while <see cref="IsReady"/> is still false.</summary>
    public IReadOnlyList<string> LoadingModels() =>
        _ready
            ? []
            : _models.Values.Where(m => m.Versions.Values.Any(v => v.State == ModelVersionState.Loading))
                .Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Loads every model found. Versions that fail are recorded as <see cref="ModelVersionState.Failed"/>; this method
    /// only throws for cancellation (or when the store itself is unreachable). Afterwards <see cref="IsReady"/> is true.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _ready = true;
        SignalPublished();
    }

    /// <summary>Snapshot of every model, ordered by name.</summary>
    public IReadOnlyList<ModelInfo> List() =>
        _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => m.ToInfo()).ToArray();

    /// <summary>Snapshot of one model, or null when unknown.</summary>
    public ModelInfo? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _models.TryGetValue(name, out var model) ? model.ToInfo() : null;
    }

    /// <summary>
    /// The manifest of <paramref name="version"/>, or of the production version when it is null; null when the model, the
    /// version or its manifest is unknown. Unlike <see cref="Find"/> it copies nothing: for checks made on every request.
    /// </summary>
    public ModelManifest? FindManifest(string name, string? version)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _models.TryGetValue(name, out var model)
            && (version ?? model.Routing.Production) is { } target
            && model.Versions.TryGetValue(target, out var slot)
            ? slot.Manifest
            : null;
    }

    /// <summary>The routing currently in effect for <paramref name="name"/>.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model.</exception>
    public ModelRouting GetRouting(string name) => GetModel(name).Routing;

    /// <summary>Takes a lease on a ready version's session. Dispose the lease when the run is over.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version.</exception>
    /// <exception cref="ModelNotReadyException">The version is loading or failed.</exception>
    public ModelLease Acquire(string name, string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        while (true)
        {
            var model = GetModel(name);
            if (!model.Versions.TryGetValue(version, out var slot))
            {
                throw new ModelNotFoundException(name, version);
            }

            if (slot.State != ModelVersionState.Ready || slot.Loaded is null)
            {
                throw new ModelNotReadyException(name, version, slot.State == ModelVersionState.Failed ? $"it failed to load: {slot.Error}" : "it is still loading");
            }

            if (slot.Loaded.TryAcquire())
            {
                return new ModelLease(slot.Loaded);
            }

            // The version was swapped out and fully released between reading the snapshot and acquiring: read the new snapshot.
        }
    }

    /// <summary>Re-reads the bundled folder and the store now (what the poller does every <c>RegistryPollInterval</c>):
    /// loads new or changed versions (by ETag / file time and size), swaps them in, drops removed ones, picks up routing changes.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        List<LoadedVersion> retired;
        try
        {
            retired = await RefreshLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        foreach (var old in retired)
        {
            old.Release();
        }
    }

    /// <summary>Stops serving and disposes every session once its leases drain.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var models = _models;
            _models = new Dictionary<string, ModelState>();
            foreach (var slot in models.Values.SelectMany(m => m.Versions.Values))
            {
                slot.Loaded?.Release();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private ModelState GetModel(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_models.TryGetValue(name, out var model))
        {
            return model;
        }

        // During the initial load an unknown name may simply not have been scanned yet: 503 (retry), not 404.
        throw _ready ? new ModelNotFoundException(name) : new ModelNotReadyException(name, null, "the registry is still loading models");
    }

    private static string? ResolveModelsPath(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var nextToApp = Path.Combine(AppContext.BaseDirectory, "models");
        if (Directory.Exists(nextToApp))
        {
            return nextToApp;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
