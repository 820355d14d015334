using Shipyard.Models.Internals;
using Shipyard.Storage;

namespace Shipyard.Models;

// Routing changes: each is computed from the routing this registry last saw and written with a conditional write
// (If-Match its ETag, or If-None-Match * when the store has no routing.json yet), so a concurrent change by another
// admin or instance makes this one fail with RoutingConflictException instead of silently overwriting it.
public sealed partial class ModelRegistry
{
    /// <summary>Canary share used when a version is promoted to <c>canary</c> and no canary percent was set before.</summary>
    public const double DefaultCanaryPercent = 10;

    /// <summary>Sets one alias (<c>production</c>, <c>staging</c>, <c>shadow</c>, or <c>canary</c> keeping the current percent,
    /// default <see cref="DefaultCanaryPercent"/>) to a version. Promoting to production pushes the old production version onto
    /// the history and clears a canary of the same version. Conditional write.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version.</exception>
    /// <exception cref="ModelNotReadyException">Production, canary and shadow need a ready version.</exception>
    /// <exception cref="ArgumentException">Unknown alias.</exception>
    /// <exception cref="RoutingConflictException">routing.json changed concurrently; re-read and retry.</exception>
    public async Task<ModelRouting> PromoteAsync(string name, string alias, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(alias);
        ArgumentNullException.ThrowIfNull(version);
        var model = GetModel(name);
        var current = model.Routing;
        var normalized = alias.Trim().ToLowerInvariant();
        RequireVersion(model, version, mustBeReady: normalized != "staging");
        var next = normalized switch
        {
            "production" => WithProduction(current, version) with { Canary = current.Canary?.Version == version ? null : current.Canary },
            "staging" => current with { Staging = version },
            "canary" => current with { Canary = new CanaryRoute(version, current.Canary?.Percent ?? DefaultCanaryPercent) },
            "shadow" => current with { Shadow = version },
            _ => throw new ArgumentException($"Unknown alias '{alias}': expected production, staging, canary or shadow.", nameof(alias)),
        };
        return await WriteRoutingAsync(model, next, $"promote {normalized} → {version}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the routing. History is kept server-side (a change of production appends the old one; a
    /// history in <paramref name="routing"/> is ignored). Every named version must exist; production, canary and shadow
    /// must be ready. Conditional write.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version.</exception>
    /// <exception cref="ModelNotReadyException">A production/canary/shadow version is not ready.</exception>
    /// <exception cref="ManifestException">Invalid routing fields (each named).</exception>
    /// <exception cref="RoutingConflictException">routing.json changed concurrently; re-read and retry.</exception>
    public async Task<ModelRouting> SetRoutingAsync(string name, ModelRouting routing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(routing);
        var errors = routing.Validate();
        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        var model = GetModel(name);
        foreach (var (version, ready) in new[] { (routing.Production, true), (routing.Canary?.Version, true), (routing.Shadow, true), (routing.Staging, false) })
        {
            if (version is not null)
            {
                RequireVersion(model, version, ready);
            }
        }

        var next = WithProduction(model.Routing, routing.Production) with
        {
            Staging = routing.Staging,
            Canary = routing.Canary,
            Shadow = routing.Shadow,
        };
        return await WriteRoutingAsync(model, next, "set routing", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets production back to the previous production version (the last history entry, which is removed) and
    /// clears the canary. Conditional write.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model, or the previous version no longer exists.</exception>
    /// <exception cref="InvalidOperationException">No previous production version to return to.</exception>
    /// <exception cref="RoutingConflictException">routing.json changed concurrently; re-read and retry.</exception>
    public async Task<ModelRouting> RollbackAsync(string name, CancellationToken cancellationToken = default)
    {
        var model = GetModel(name);
        var current = model.Routing;
        if (current.History.Count == 0)
        {
            throw new InvalidOperationException($"Model '{name}' has no previous production version to roll back to.");
        }

        var previous = current.History[^1];
        RequireVersion(model, previous, mustBeReady: true);
        var next = current with { Production = previous, History = current.History.Take(current.History.Count - 1).ToArray(), Canary = null };
        return await WriteRoutingAsync(model, next, $"rollback → {previous}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the canary if it is still <paramref name="version"/>: an automatic rollback decided on an earlier
    /// read (a report over days of traffic) must not undo a routing change made since. Conditional write.</summary>
    /// <returns>True when the canary was removed; false when the canary is no longer that version.</returns>
    /// <exception cref="ModelNotFoundException">Unknown model.</exception>
    /// <exception cref="RoutingConflictException">routing.json changed concurrently; re-read and retry.</exception>
    public async Task<bool> RemoveCanaryAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var model = GetModel(name);
        var current = model.Routing;
        if (current.Canary?.Version != version)
        {
            return false;
        }

        await WriteRoutingAsync(model, current with { Canary = null }, $"remove canary {version}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static ModelRouting WithProduction(ModelRouting current, string? version)
    {
        if (current.Production == version)
        {
            return current;
        }

        var history = current.History.ToList();
        if (current.Production is not null)
        {
            history.Add(current.Production);
        }

        if (history.Count > RoutingSerializer.MaxHistory)
        {
            history.RemoveRange(0, history.Count - RoutingSerializer.MaxHistory);
        }

        return current with { Production = version, History = history };
    }

    private static void RequireVersion(ModelState model, string version, bool mustBeReady)
    {
        if (!model.Versions.TryGetValue(version, out var slot))
        {
            throw new ModelNotFoundException(model.Name, version);
        }

        if (mustBeReady && slot.State != ModelVersionState.Ready)
        {
            throw new ModelNotReadyException(model.Name, version, slot.Error is null ? "it is not loaded" : $"it failed to load: {slot.Error}");
        }
    }

    private async Task<ModelRouting> WriteRoutingAsync(ModelState model, ModelRouting next, string change, CancellationToken cancellationToken)
    {
        var conditions = model.RoutingETag is null ? BlobConditions.IfNotExists : BlobConditions.IfETagMatches(model.RoutingETag);
        BlobProperties written;
        try
        {
            written = await _store.UploadAsync(
                Container,
                $"{model.Name}/routing.json",
                next.ToUtf8Json(),
                new BlobUploadOptions { ContentType = "application/json", Conditions = conditions },
                cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException ex)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            RegistryLog.RoutingConflict(_logger, change, model.Name);
            throw new RoutingConflictException(model.Name, ex);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_models.TryGetValue(model.Name, out var now) && (now.RoutingETag == model.RoutingETag || now.RoutingETag == written.ETag))
            {
                var models = new Dictionary<string, ModelState>(_models, StringComparer.Ordinal)
                {
                    [model.Name] = now with { Routing = next, RoutingETag = written.ETag },
                };
                _models = models;
            }
        }
        finally
        {
            _gate.Release();
        }

        RegistryLog.RoutingChanged(_logger, model.Name, change, next.Production, next.Canary?.Version, next.Shadow);
        _telemetry.TrackEvent("RoutingChanged", new Dictionary<string, string>
        {
            ["model"] = model.Name,
            ["change"] = change,
            ["production"] = next.Production ?? "",
            ["canary"] = next.Canary is null ? "" : $"{next.Canary.Version}@{next.Canary.Percent}%",
            ["shadow"] = next.Shadow ?? "",
        });
        return next;
    }
}
