using System.Globalization;
using System.IO.Compression;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

// Uploading a package: everything is checked in memory before the first byte is written to the store.
public sealed partial class ModelRegistry
{
    private static readonly string[] PackageFiles = [.. ModelPackage.FileNames];

    /// <summary>Validates a zip package and stores it as <c>models/{name}/{version}/</c>, then loads it. The zip holds
    /// <c>model.json</c> and <c>model.onnx</c> (required) and <c>baseline.json</c>, <c>samples.csv</c> (optional), at its
    /// root or inside one top folder; nothing else. Checks: the manifest is valid and names this model and version, the
    /// SHA-256 matches, ONNX Runtime loads the graph and it has the manifest's inputs and outputs, sizes are within
    /// <c>Shipyard:Limits:MaxPackageBytes</c>, and the version does not exist yet (versions are immutable). Entry paths are
    /// never used as file paths (no zip-slip). Routing is not changed; promote the version afterwards.</summary>
    /// <exception cref="PackageInvalidException">The package is invalid (every problem named) or the version exists.</exception>
    public async Task<ModelVersionInfo> UploadVersionAsync(string name, string version, Stream zipPackage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(zipPackage);
        var errors = new List<string>();
        if (!ModelManifest.IsValidName(name))
        {
            errors.Add($"name: '{name}' is not a valid model name (lowercase letters, digits and '-', 1-64 characters)");
        }

        if (!ModelManifest.IsValidVersion(version))
        {
            errors.Add($"version: '{version}' is not a valid version (a positive integer without leading zeros)");
        }

        if (errors.Count > 0)
        {
            throw new PackageInvalidException(errors);
        }

        if (_models.TryGetValue(name, out var existing) && existing.Versions.ContainsKey(version))
        {
            throw new PackageInvalidException($"version: {name} version {version} already exists; versions are immutable, upload it as a new version");
        }

        var files = await ReadPackageAsync(zipPackage, _options.Limits.MaxPackageBytes, cancellationToken).ConfigureAwait(false);
        var package = ModelPackage.Validate(name, version, files, "the URL");
        var manifest = package.Manifest;

        // Create-only writes, model.json last (ModelPackage.PublishAsync, shared with `shipyard models push`): a version
        // becomes visible to pollers complete, and a concurrent upload of the same version cannot replace a single file
        // of it (an unconditional model.onnx write could pair one upload's manifest with the other's model).
        await package.PublishAsync(_store, cancellationToken).ConfigureAwait(false);

        RegistryLog.Uploaded(_logger, name, version, files["model.onnx"].Length);
        _telemetry.TrackEvent("ModelUploaded", new Dictionary<string, string> { ["model"] = name, ["version"] = version, ["sha256"] = manifest.Sha256 });
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return Find(name)?.Versions.FirstOrDefault(v => v.Version == version)
            ?? throw new PackageInvalidException($"version: {name} version {version} was stored but did not load");
    }

    private static async Task<Dictionary<string, byte[]>> ReadPackageAsync(Stream zipPackage, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await zipPackage.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new PackageInvalidException(string.Create(CultureInfo.InvariantCulture, $"package: larger than the limit of {maxBytes} bytes"));
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(buffer, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new PackageInvalidException($"package: not a valid zip file ({ex.Message})");
        }

        using (archive)
        {
            var errors = new List<string>();
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            var prefix = CommonFolder(entries);
            long total = 0;
            foreach (var entry in entries)
            {
                var path = entry.FullName;
                var relative = prefix.Length > 0 && path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
                if (path.Contains("..", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal) || path.StartsWith('/') || !PackageFiles.Contains(relative))
                {
                    errors.Add($"package: unexpected entry '{UserText.Shorten(path)}' (allowed: {string.Join(", ", PackageFiles)} at the root or in one top folder)");
                    continue;
                }

                if (files.ContainsKey(relative))
                {
                    errors.Add($"package: '{relative}' appears twice");
                    continue;
                }

                total += entry.Length;
                if (total > maxBytes)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"package: uncompressed content larger than the limit of {maxBytes} bytes"));
                    break;
                }

                try
                {
                    files[relative] = await ReadEntryAsync(entry, maxBytes, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException ex)
                {
                    errors.Add($"package: entry '{relative}' is corrupt ({ex.Message})");
                }
            }

            foreach (var required in PackageFiles.Take(2))
            {
                if (!files.ContainsKey(required) && !errors.Any(e => e.Contains($"'{required}'", StringComparison.Ordinal)))
                {
                    errors.Add($"package: {required} is missing");
                }
            }

            if (errors.Count > 0)
            {
                throw new PackageInvalidException(errors);
            }

            return files;
        }
    }

    private static async Task<byte[]> ReadEntryAsync(ZipArchiveEntry entry, long maxBytes, CancellationToken cancellationToken)
    {
        // The declared length can lie (zip bombs): never read more than it says, and not more than the limit.
        var limit = Math.Min(entry.Length, maxBytes);
        var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var output = new MemoryStream((int)Math.Min(limit, 64 * 1024 * 1024));
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (output.Length + read > limit)
                {
                    throw new InvalidDataException("it inflates to more than its declared size");
                }

                output.Write(chunk, 0, read);
            }

            return output.ToArray();
        }
    }

    private static string CommonFolder(List<ZipArchiveEntry> entries)
    {
        if (entries.Count == 0 || entries.Any(e => !e.FullName.Contains('/', StringComparison.Ordinal)))
        {
            return "";
        }

        var first = entries[0].FullName;
        var folder = first[..(first.IndexOf('/', StringComparison.Ordinal) + 1)];
        return entries.All(e => e.FullName.StartsWith(folder, StringComparison.Ordinal)) ? folder : "";
    }
}
