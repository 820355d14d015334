using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Shipyard.Models.Internals;
using Shipyard.Scoring.Internals;
using Shipyard.Storage;

namespace Shipyard.Models;

// Finding packages (bundled folder, store), loading them into sessions, and building the next snapshot.
public sealed partial class ModelRegistry
{
    private async Task<List<LoadedVersion>> RefreshLockedAsync(CancellationToken cancellationToken)
    {
        var packages = new Dictionary<(string, string), PackageCandidate>();
        var routings = new Dictionary<string, RoutingCandidate>(StringComparer.Ordinal);
        ScanBundled(packages, routings);
        await ScanStoreAsync(packages, routings, cancellationToken).ConfigureAwait(false);

        var previous = _models;
        var next = new Dictionary<string, ModelState>(StringComparer.Ordinal);
        var retired = new List<LoadedVersion>();

        // Initial load: publish every version found as Loading first, then each model as soon as its versions are
        // loaded, so the server can answer (503 for what is still loading) while the rest loads in the background.
        var progress = _ready ? null : Placeholders(packages.Values);
        if (progress is not null)
        {
            _models = new Dictionary<string, ModelState>(progress, StringComparer.Ordinal);
            SignalPublished();
        }

        foreach (var group in packages.Values.GroupBy(p => p.Name, StringComparer.Ordinal))
        {
            previous.TryGetValue(group.Key, out var old);
            var versions = new Dictionary<string, VersionSlot>(StringComparer.Ordinal);
            foreach (var candidate in group)
            {
                VersionSlot? existing = null;
                if (old is not null && old.Versions.TryGetValue(candidate.Version, out existing) &&
                    existing.Source == candidate.Source && existing.Fingerprint == candidate.Fingerprint)
                {
                    versions[candidate.Version] = existing;
                    continue;
                }

                versions[candidate.Version] = await LoadAsync(candidate, cancellationToken).ConfigureAwait(false);
                if (existing?.Loaded is { } replaced)
                {
                    retired.Add(replaced);
                    RegistryLog.Swapped(_logger, candidate.Name, candidate.Version);
                }
            }

            var (routing, etag) = await ResolveRoutingAsync(group.Key, routings.GetValueOrDefault(group.Key), old, versions, cancellationToken).ConfigureAwait(false);
            next[group.Key] = new ModelState { Name = group.Key, Versions = versions, Routing = routing, RoutingETag = etag };
            if (progress is not null)
            {
                progress[group.Key] = next[group.Key];
                _models = new Dictionary<string, ModelState>(progress, StringComparer.Ordinal);
                SignalPublished();
            }
        }

        foreach (var old in previous.Values)
        {
            foreach (var slot in old.Versions.Values)
            {
                if (slot.Loaded is not null && !(next.TryGetValue(old.Name, out var now) && now.Versions.TryGetValue(slot.Version, out var kept) && ReferenceEquals(kept.Loaded, slot.Loaded)))
                {
                    if (!retired.Contains(slot.Loaded))
                    {
                        retired.Add(slot.Loaded);
                    }
                }
            }
        }

        _models = next;
        return retired;
    }

    /// <summary>Every candidate as a <see cref="ModelVersionState.Loading"/> slot; the routing names the highest version
    /// as production until the real routing is read with the loaded versions.</summary>
    private static Dictionary<string, ModelState> Placeholders(IEnumerable<PackageCandidate> candidates)
    {
        var result = new Dictionary<string, ModelState>(StringComparer.Ordinal);
        foreach (var group in candidates.GroupBy(p => p.Name, StringComparer.Ordinal))
        {
            var versions = group.ToDictionary(
                c => c.Version,
                c => new VersionSlot { Version = c.Version, Source = c.Source, Fingerprint = "", State = ModelVersionState.Loading },
                StringComparer.Ordinal);
            var highest = versions.Keys.OrderByDescending(v => long.Parse(v, CultureInfo.InvariantCulture)).First();
            result[group.Key] = new ModelState { Name = group.Key, Versions = versions, Routing = new ModelRouting { Production = highest } };
        }

        return result;
    }

    private void ScanBundled(Dictionary<(string, string), PackageCandidate> packages, Dictionary<string, RoutingCandidate> routings)
    {
        if (BundledPath is null || !Directory.Exists(BundledPath))
        {
            return;
        }

        foreach (var modelDir in Directory.EnumerateDirectories(BundledPath))
        {
            var name = Path.GetFileName(modelDir);
            if (!ModelManifest.IsValidName(name))
            {
                continue;
            }

            foreach (var versionDir in Directory.EnumerateDirectories(modelDir))
            {
                var version = Path.GetFileName(versionDir);
                var manifestFile = new FileInfo(Path.Combine(versionDir, "model.json"));
                var modelFile = new FileInfo(Path.Combine(versionDir, "model.onnx"));
                if (!ModelManifest.IsValidVersion(version) || !manifestFile.Exists)
                {
                    continue;
                }

                var fingerprint = FileFingerprint(manifestFile) + "|" + FileFingerprint(modelFile);
                packages[(name, version)] = new PackageCandidate(
                    name,
                    version,
                    ModelSource.Bundled,
                    fingerprint,
                    ct => File.ReadAllBytesAsync(manifestFile.FullName, ct),
                    ct => File.ReadAllBytesAsync(modelFile.FullName, ct),
                    versionDir);
            }

            var routingFile = new FileInfo(Path.Combine(modelDir, "routing.json"));
            if (routingFile.Exists)
            {
                routings[name] = new RoutingCandidate(name, ModelSource.Bundled, FileFingerprint(routingFile), null,
                    async ct => (await File.ReadAllBytesAsync(routingFile.FullName, ct).ConfigureAwait(false), null));
            }
        }
    }

    private async Task ScanStoreAsync(Dictionary<(string, string), PackageCandidate> packages, Dictionary<string, RoutingCandidate> routings, CancellationToken cancellationToken)
    {
        if (!_containerChecked)
        {
            await _store.CreateContainerIfNotExistsAsync(Container, cancellationToken).ConfigureAwait(false);
            _containerChecked = true;
        }

        var blobs = new Dictionary<string, BlobProperties>(StringComparer.Ordinal);
        await foreach (var blob in _store.ListAsync(Container, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            blobs[blob.Name] = blob;
        }

        foreach (var (blobName, props) in blobs)
        {
            var parts = blobName.Split('/');
            if (parts.Length == 2 && parts[1] == "routing.json" && ModelManifest.IsValidName(parts[0]))
            {
                routings[parts[0]] = new RoutingCandidate(parts[0], ModelSource.Store, props.ETag, props.ETag, ct => ReadWithETagAsync(blobName, ct));
                continue;
            }

            if (parts.Length != 3 || parts[2] != "model.json" || !ModelManifest.IsValidName(parts[0]) || !ModelManifest.IsValidVersion(parts[1]))
            {
                continue;
            }

            var modelBlob = $"{parts[0]}/{parts[1]}/model.onnx";
            var modelETag = blobs.TryGetValue(modelBlob, out var m) ? m.ETag : "missing";
            packages[(parts[0], parts[1])] = new PackageCandidate(
                parts[0],
                parts[1],
                ModelSource.Store,
                props.ETag + "|" + modelETag,
                ct => _store.ReadAllBytesAsync(Container, blobName, ct),
                ct => _store.ReadAllBytesAsync(Container, modelBlob, ct));
        }
    }

    private async Task<(byte[] Bytes, string? ETag)> ReadWithETagAsync(string blobName, CancellationToken cancellationToken)
    {
        var stream = await _store.OpenReadAsync(Container, blobName, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return (buffer.ToArray(), stream.Properties.ETag);
        }
    }

    private async Task<VersionSlot> LoadAsync(PackageCandidate candidate, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var slot = new VersionSlot { Version = candidate.Version, Source = candidate.Source, Fingerprint = candidate.Fingerprint, State = ModelVersionState.Failed };
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.Parse(await candidate.ReadManifest(cancellationToken).ConfigureAwait(false));
        }
        catch (ManifestException ex)
        {
            return Failed(slot, null, "model.json is invalid: " + string.Join("; ", ex.Errors));
        }
        catch (Exception ex) when (ex is IOException or BlobNotFoundException or UnauthorizedAccessException)
        {
            return Failed(slot, null, "model.json could not be read: " + ex.Message);
        }

        if (manifest.Name != candidate.Name || manifest.Version != candidate.Version)
        {
            return Failed(slot, manifest, $"model.json says {manifest.Name} version {manifest.Version}, but the package is stored as {candidate.Name} version {candidate.Version}.");
        }

        byte[] model;
        try
        {
            model = await candidate.ReadModel(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or BlobNotFoundException or UnauthorizedAccessException)
        {
            return Failed(slot, manifest, "model.onnx could not be read: " + ex.Message);
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(model));
        slot = slot with { Sha256 = sha };
        if (!string.Equals(sha, manifest.Sha256, StringComparison.Ordinal))
        {
            return Failed(slot, manifest, $"sha256 mismatch: model.json says {manifest.Sha256}, model.onnx hashes to {sha}. The file was changed or corrupted; re-export the package.");
        }

        if (OnnxExternalData.Check(model, candidate.Folder, out var external) is { } refused)
        {
            return Failed(slot, manifest, refused);
        }

        OnnxScorer scorer;
        try
        {
            // A model with external data (allowed only in bundled folders) loads from its file, so ORT finds the data
            // beside it; every other model loads from the bytes whose sha256 was just checked.
            var modelPath = external ? Path.Combine(candidate.Folder!, "model.onnx") : null;
            scorer = OnnxScorer.Load(manifest, model, modelPath, out var fallback);
            if (fallback is not null)
            {
                RegistryLog.GpuFallback(_logger, candidate.Name, candidate.Version, fallback);
            }
        }
        catch (SessionCreateException ex)
        {
            return Failed(slot, manifest, ex.Message);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _telemetry.TrackModelLoaded(candidate.Name, candidate.Version, elapsed, true, null);
        RegistryLog.Loaded(_logger, candidate.Name, candidate.Version, candidate.Source, (long)elapsed.TotalMilliseconds, scorer.ExecutionProvider);
        return slot with
        {
            Manifest = manifest,
            State = ModelVersionState.Ready,
            Loaded = new LoadedVersion(manifest, scorer, sha, _time.GetUtcNow()),
        };

        VersionSlot Failed(VersionSlot s, ModelManifest? m, string error)
        {
            _telemetry.TrackModelLoaded(candidate.Name, candidate.Version, Stopwatch.GetElapsedTime(started), false, error);
            RegistryLog.LoadFailed(_logger, candidate.Name, candidate.Version, candidate.Source, error);
            return s with { Manifest = m, State = ModelVersionState.Failed, Error = error };
        }
    }

    private async Task<(ModelRouting Routing, string? ETag)> ResolveRoutingAsync(string name, RoutingCandidate? candidate, ModelState? old, Dictionary<string, VersionSlot> versions, CancellationToken cancellationToken)
    {
        if (candidate is not null)
        {
            // Unchanged store routing: keep what was parsed (no read).
            if (candidate.Source == ModelSource.Store && old?.RoutingETag == candidate.ETag)
            {
                return (old!.Routing, old.RoutingETag);
            }

            try
            {
                var (bytes, etag) = await candidate.Read(cancellationToken).ConfigureAwait(false);
                return (ModelRouting.Parse(bytes), etag);
            }
            catch (ManifestException ex)
            {
                RegistryLog.RoutingInvalid(_logger, name, candidate.Source, string.Join("; ", ex.Errors));
            }
            catch (Exception ex) when (ex is IOException or BlobNotFoundException)
            {
                RegistryLog.RoutingUnreadable(_logger, ex, name, candidate.Source);
            }
        }

        // No routing file: the highest ready version serves.
        var highest = versions.Values.Where(v => v.State == ModelVersionState.Ready).Select(v => v.Version)
            .OrderByDescending(v => long.Parse(v, CultureInfo.InvariantCulture)).FirstOrDefault();
        return (new ModelRouting { Production = highest }, null);
    }

    private static string FileFingerprint(FileInfo file) =>
        file.Exists ? string.Create(CultureInfo.InvariantCulture, $"{file.LastWriteTimeUtc.Ticks}:{file.Length}") : "missing";
}
