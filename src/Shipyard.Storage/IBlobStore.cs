namespace Shipyard.Storage;

/// <summary>
/// The narrow blob storage Shipyard needs: containers of named blobs with ETags, metadata and conditional writes.
/// Implemented by <see cref="FileBlobStore"/> (embedded, a folder) and <see cref="AzureBlobStore"/> (Azure.Storage.Blobs);
/// both pass the same contract tests. Implementations are thread-safe singletons.
/// </summary>
/// <remarks>
/// Names are validated with <see cref="BlobNames"/> before any I/O: a bad container or blob name is an
/// <see cref="ArgumentException"/> naming the rule, never a request or a path outside the store.
/// A missing container or blob is a <see cref="BlobNotFoundException"/>; a failed <see cref="BlobConditions"/>
/// is a <see cref="BlobConditionFailedException"/>.
/// </remarks>
public interface IBlobStore
{
    /// <summary>Creates the container unless it exists.</summary>
    /// <returns>True when this call created it.</returns>
    Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="content"/> (read to its end, length need not be known) as the blob <paramref name="name"/>.
    /// Large content is streamed in blocks of <see cref="BlobUploadOptions.BlockSize"/>; the new content becomes
    /// visible under the name all at once, only after the whole stream has been stored.
    /// </summary>
    /// <returns>The properties of the blob as written (new ETag, length).</returns>
    /// <exception cref="BlobNotFoundException">The container does not exist.</exception>
    /// <exception cref="BlobConditionFailedException">The write's <see cref="BlobUploadOptions.Conditions"/> did not hold.</exception>
    Task<BlobProperties> UploadAsync(string container, string name, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the blob for streaming reads (the whole blob or the range in <paramref name="options"/>). The stream
    /// reads the version that existed when it was opened and never mixes versions: after a concurrent overwrite it
    /// either keeps returning the old version (file store) or fails with <see cref="BlobConditionFailedException"/>
    /// (Azure, when it has to resume after a network error).
    /// </summary>
    /// <exception cref="BlobNotFoundException">The container or blob does not exist.</exception>
    Task<BlobReadStream> OpenReadAsync(string container, string name, BlobReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the blob's properties and metadata, or null when the blob (or its container) does not exist.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists one page of blobs whose names start with <paramref name="prefix"/>, in ordinal name order, from
    /// <paramref name="marker"/> (the previous page's <see cref="BlobPage.NextMarker"/>; null for the first page).
    /// </summary>
    /// <param name="container">The container.</param>
    /// <param name="prefix">Name prefix; null or empty lists everything.</param>
    /// <param name="marker">Continuation marker, opaque.</param>
    /// <param name="pageSize">At most this many blobs (1..5000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="BlobNotFoundException">The container does not exist.</exception>
    Task<BlobPage> ListPageAsync(string container, string? prefix = null, string? marker = null, int pageSize = 5000, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob if it exists (and the conditions hold).</summary>
    /// <returns>True when a blob was deleted, false when there was none.</returns>
    /// <exception cref="BlobConditionFailedException">The blob exists but <paramref name="conditions"/> did not hold.</exception>
    Task<bool> DeleteIfExistsAsync(string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default);
}
