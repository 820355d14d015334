using Shipyard.Storage;

namespace Shipyard.Cli.Tests.Models;

/// <summary>A store that runs <paramref name="interloper"/> once, just before the first write of a routing.json goes
/// through: someone else's change lands between the command's read and its conditional write.</summary>
public sealed class RacingBlobStore(IBlobStore inner, Func<Task> interloper) : IBlobStore
{
    private int _raced;

    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default) =>
        inner.CreateContainerIfNotExistsAsync(container, cancellationToken);

    public async Task<BlobProperties> UploadAsync(string container, string name, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (name.EndsWith("/routing.json", StringComparison.Ordinal) && Interlocked.Exchange(ref _raced, 1) == 0)
        {
            await interloper();
        }

        return await inner.UploadAsync(container, name, content, options, cancellationToken);
    }

    public Task<BlobReadStream> OpenReadAsync(string container, string name, BlobReadOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(container, name, options, cancellationToken);

    public Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default) =>
        inner.GetPropertiesAsync(container, name, cancellationToken);

    public Task<BlobPage> ListPageAsync(string container, string? prefix = null, string? marker = null, int pageSize = 5000, CancellationToken cancellationToken = default) =>
        inner.ListPageAsync(container, prefix, marker, pageSize, cancellationToken);

    public Task<bool> DeleteIfExistsAsync(string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        inner.DeleteIfExistsAsync(container, name, conditions, cancellationToken);
}
