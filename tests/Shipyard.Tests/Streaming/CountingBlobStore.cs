using Shipyard.Storage;

namespace Shipyard.Tests.Streaming;

/// <summary>A real store that counts the calls made to it (storage round trips per message are the stream's cost).</summary>
internal sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
{
    private int _uploads;
    private int _reads;
    private int _properties;

    public int Uploads => Volatile.Read(ref _uploads);

    public int Reads => Volatile.Read(ref _reads);

    public int PropertyReads => Volatile.Read(ref _properties);

    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default) =>
        inner.CreateContainerIfNotExistsAsync(container, cancellationToken);

    public Task<bool> DeleteIfExistsAsync(string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        inner.DeleteIfExistsAsync(container, name, conditions, cancellationToken);

    public Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _properties);
        return inner.GetPropertiesAsync(container, name, cancellationToken);
    }

    public Task<BlobPage> ListPageAsync(string container, string? prefix = null, string? marker = null, int pageSize = 5000, CancellationToken cancellationToken = default) =>
        inner.ListPageAsync(container, prefix, marker, pageSize, cancellationToken);

    public Task<BlobReadStream> OpenReadAsync(string container, string name, BlobReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return inner.OpenReadAsync(container, name, options, cancellationToken);
    }

    public Task<BlobProperties> UploadAsync(string container, string name, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _uploads);
        return inner.UploadAsync(container, name, content, options, cancellationToken);
    }
}
