namespace Shipyard.Models;

/// <summary>
/// The model registry: loads packages from the bundled models folder and the store's <c>models</c> container
/// (store wins for the same name/version, and for routing.json), verifies SHA-256, keeps one ONNX session per
/// loaded version, polls for changes and swaps versions atomically (in-flight requests finish on the old session).
/// Routing changes (promote, canary, shadow, rollback) are conditional writes of routing.json to the store.
/// A thread-safe singleton; <see cref="StartAsync"/> once, dispose at shutdown.
/// </summary>
public sealed partial class ModelRegistry : IAsyncDisposable
{
    /// <summary>Loads every model found. Versions that fail are recorded as <see cref="ModelVersionState.Failed"/>; this method
    /// only throws for cancellation. Afterwards <see cref="IsReady"/> is true.</summary>
    public partial Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>True once the initial load finished (whether or not every version loaded).</summary>
    public bool IsReady => _ready;

    /// <summary>Snapshot of every model, ordered by name.</summary>
    public partial IReadOnlyList<ModelInfo> List();

    /// <summary>Snapshot of one model, or null when unknown.</summary>
    public partial ModelInfo? Find(string name);

    /// <summary>Re-reads the bundled folder and the store now (what the poller does every <c>RegistryPollInterval</c>):
    /// loads new or changed versions (by ETag / file time), swaps them in, drops removed ones, picks up routing changes.</summary>
    public partial Task RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets one alias (<c>production</c>, <c>staging</c>, <c>shadow</c>, or <c>canary</c> with its current percent) to a
    /// ready version. Promoting to production pushes the old production version onto the history and clears a canary
    /// of the same version. Conditional write.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version.</exception>
    /// <exception cref="ArgumentException">Unknown alias.</exception>
    /// <exception cref="RoutingConflictException">routing.json changed concurrently.</exception>
    public partial Task<ModelRouting> PromoteAsync(string name, string alias, string version, CancellationToken cancellationToken = default);

    /// <summary>Replaces the routing (history is kept server-side: a production change is appended to it). Every named
    /// version must exist. Conditional write.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version.</exception>
    /// <exception cref="ManifestException">Invalid routing fields (named).</exception>
    /// <exception cref="RoutingConflictException">routing.json changed concurrently.</exception>
    public partial Task<ModelRouting> SetRoutingAsync(string name, ModelRouting routing, CancellationToken cancellationToken = default);

    /// <summary>Sets production back to the previous production version (the last entry of the history) and clears the canary. Conditional write.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model.</exception>
    /// <exception cref="InvalidOperationException">No previous production version to return to.</exception>
    /// <exception cref="RoutingConflictException">routing.json changed concurrently.</exception>
    public partial Task<ModelRouting> RollbackAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Validates a zip package (model.json, model.onnx, optional baseline.json/samples.csv; checksum; name and
    /// version equal the route; size limits; no path traversal), writes it to the store under
    /// <c>models/{name}/{version}/</c>, loads it, and returns its state. Routing is not changed.</summary>
    /// <exception cref="PackageInvalidException">The package is invalid (every problem named).</exception>
    public partial Task<ModelVersionInfo> UploadVersionAsync(string name, string version, Stream zipPackage, CancellationToken cancellationToken = default);

    /// <summary>The routing currently in effect for <paramref name="name"/>.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model.</exception>
    public partial ModelRouting GetRouting(string name);

    /// <summary>Takes a lease on a ready version's session. Dispose the lease when the run is over.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version.</exception>
    /// <exception cref="ModelNotReadyException">The version is loading or failed.</exception>
    public partial ModelLease Acquire(string name, string version);

    /// <summary>Stops polling and disposes every session once its leases drain.</summary>
    public partial ValueTask DisposeAsync();
}
