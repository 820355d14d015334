using System.Runtime.CompilerServices;
using System.Text;

namespace Shipyard.Storage;

/// <summary>Conveniences over <see cref="IBlobStore"/> that every implementation gets for free.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Lists every blob under <paramref name="prefix"/>, fetching pages as the caller iterates.</summary>
    public static async IAsyncEnumerable<BlobProperties> ListAsync(
        this IBlobStore store, string container, string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string? marker = null;
        do
        {
            var page = await store.ListPageAsync(container, prefix, marker, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var blob in page.Blobs)
            {
                yield return blob;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    /// <summary>Deletes the blob; throws when it does not exist.</summary>
    /// <exception cref="BlobNotFoundException">There was no such blob.</exception>
    public static async Task DeleteAsync(this IBlobStore store, string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!await store.DeleteIfExistsAsync(container, name, conditions, cancellationToken).ConfigureAwait(false))
        {
            throw new BlobNotFoundException(container, name);
        }
    }

    /// <summary>Writes a small in-memory payload.</summary>
    public static async Task<BlobProperties> UploadAsync(this IBlobStore store, string container, string name, ReadOnlyMemory<byte> content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stream = new MemoryStream(content.ToArray(), writable: false);
        await using (stream.ConfigureAwait(false))
        {
            return await store.UploadAsync(container, name, stream, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes UTF-8 text.</summary>
    public static Task<BlobProperties> UploadTextAsync(this IBlobStore store, string container, string name, string text, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return store.UploadAsync(container, name, Encoding.UTF8.GetBytes(text), options, cancellationToken);
    }

    /// <summary>Reads a whole blob into memory (for small blobs: manifests, routing files).</summary>
    /// <exception cref="BlobNotFoundException">The container or blob does not exist.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(this IBlobStore store, string container, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stream = await store.OpenReadAsync(container, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    /// <summary>Reads a whole blob as UTF-8 text.</summary>
    public static async Task<string> ReadAllTextAsync(this IBlobStore store, string container, string name, CancellationToken cancellationToken = default)
        => Encoding.UTF8.GetString(await store.ReadAllBytesAsync(container, name, cancellationToken).ConfigureAwait(false));
}
