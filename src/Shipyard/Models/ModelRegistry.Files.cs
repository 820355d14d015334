using Shipyard.Storage;

namespace Shipyard.Models;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// A file of a version's package (<c>baseline.json</c>, <c>samples.csv</c>), read where the registry finds packages:
    /// the store's package first (always for a version loaded from the store, or not loaded at all), then the bundled
    /// folder. Null when neither has it. <c>Origin</c> names where it came from, for error messages.
    /// </summary>
    public async Task<(string Origin, byte[] Content)?> ReadPackageFileAsync(string name, string version, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var info = Find(name)?.Versions.FirstOrDefault(v => v.Version == version);
        if (info is null || info.Source == ModelSource.Store)
        {
            var blobName = $"{name}/{version}/{fileName}";
            try
            {
                return ($"{Container}/{blobName}", await _store.ReadAllBytesAsync(Container, blobName, cancellationToken).ConfigureAwait(false));
            }
            catch (BlobNotFoundException)
            {
                // Not uploaded with the package: the bundled copy, if any, is next.
            }
        }

        if (BundledPath is { } bundled && Path.Combine(bundled, name, version, fileName) is var path && File.Exists(path))
        {
            return (path, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }

        return null;
    }
}
