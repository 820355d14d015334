using System.Buffers;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Shipyard.Storage.Internals;
using SdkBlobProperties = Azure.Storage.Blobs.Models.BlobProperties;
using SdkUploadOptions = Azure.Storage.Blobs.Models.BlobUploadOptions;

namespace Shipyard.Storage;

/// <summary>
/// <see cref="IBlobStore"/> over Azure.Storage.Blobs (block blobs): Azure Storage or Azurite. Service errors other
/// than not-found and failed conditions surface as the SDK's <see cref="RequestFailedException"/> (its
/// <see cref="RequestFailedException.ErrorCode"/> is the service's <c>x-ms-error-code</c>).
/// </summary>
/// <remarks>
/// <para>Uploads shorter than one block are a single Put Blob; longer ones are staged block by block (bounded
/// parallelism, pooled buffers, so memory stays at about <c>BlockSize × (MaxConcurrency + 1)</c> whatever the stream's
/// length) and committed with one Put Block List, the only moment new content becomes visible: an interrupted upload
/// leaves at most uncommitted blocks, never a partial blob under the name. The SDK's own chunked upload is not used for
/// this: its block ids are derived from the offset alone (azure-sdk-for-net TODO #8162), so two concurrent uploads of
/// one name could commit a mix of each other's blocks; ours carry a per-upload id.</para>
/// <para>Reads are the SDK's streaming download, which resumes a broken response with a range request pinned by
/// <c>If-Match</c> to the ETag it started with, so a read never mixes two versions.</para>
/// </remarks>
public sealed class AzureBlobStore : IBlobStore
{
    private const string DefaultContentType = "application/octet-stream";

    // Block buffers come from a pool of their own with a fixed number of arrays per size. The shared pool would keep a
    // 4 MiB array per thread that ever returned one (block uploads finish on any pool thread), so a long job's memory
    // grew with the number of threads it had touched; this one holds at most BlockBuffersKept arrays per size, and
    // an upload beyond them allocates and lets the GC take its extra buffers back.
    private const int BlockBuffersKept = 6;
    private static readonly ArrayPool<byte> BlockBuffers = ArrayPool<byte>.Create(maxArrayLength: 256 * 1024 * 1024, maxArraysPerBucket: BlockBuffersKept);

    private readonly BlobServiceClient _service;

    /// <summary>Creates the store for the blob endpoint of <paramref name="connection"/>.</summary>
    /// <exception cref="ArgumentException">The connection has no blob endpoint.</exception>
    public AzureBlobStore(StorageConnection connection, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _service = connection.CreateBlobServiceClient(options ?? new StorageClientOptions());
        Endpoint = connection.BlobEndpoint!;
    }

    /// <summary>The blob service endpoint.</summary>
    public Uri Endpoint { get; }

    /// <inheritdoc />
    public async Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        var created = await _service.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return created is not null;
    }

    /// <inheritdoc />
    public async Task<BlobProperties> UploadAsync(string container, string name, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var blob = Blob(container, name);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobUploadOptions();
        StorageThrow.ValidateUploadOptions(options);

        var buffer = BlockBuffers.Rent(options.BlockSize);
        int filled;
        try
        {
            filled = await FillAsync(content, buffer, options.BlockSize, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            BlockBuffers.Return(buffer);
            throw;
        }

        // Either way the callee owns the buffer from here and returns it to the pool.
        return filled < options.BlockSize
            ? await PutBlobAsync(blob, container, name, buffer, filled, options, cancellationToken).ConfigureAwait(false)
            : await PutBlocksAsync(blob, container, name, content, buffer, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BlobReadStream> OpenReadAsync(string container, string name, BlobReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var blob = Blob(container, name);
        options ??= new BlobReadOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Offset, nameof(options));
        if (options.Length is <= 0)
        {
            // A zero-length range is not expressible as an HTTP Range; answer it from the properties.
            var properties = await GetPropertiesAsync(container, name, cancellationToken).ConfigureAwait(false) ?? throw new BlobNotFoundException(container, name);
            return new DownloadReadStream(properties, Stream.Null, 0);
        }

        // No Range header for a whole-blob read: "bytes=0-" on an empty blob is an invalid range.
        var range = options.Offset == 0 && options.Length is null ? default : new HttpRange(options.Offset, options.Length);
        var conditions = options.IfMatch is { } ifMatch ? new BlobRequestConditions { IfMatch = new ETag(ifMatch) } : null;
        Response<BlobDownloadStreamingResult> response;
        try
        {
            response = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = range, Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            var size = await GetPropertiesAsync(container, name, cancellationToken).ConfigureAwait(false);
            StorageThrow.ArgumentOutOfRange_Offset(container, name, options.Offset, size?.Length ?? 0);
            throw; // not reached
        }
        catch (RequestFailedException e) when (MapError(e, container, name, options.IfMatch is null ? null : new BlobConditions { IfMatch = options.IfMatch }) is { } mapped)
        {
            throw mapped;
        }

        var result = response.Value;
        var ranged = response.GetRawResponse().Status == 206;
        var opened = ToProperties(container, name, result.Details, ranged);
        if (options.Offset > 0 && (!ranged || options.Offset >= opened.Length))
        {
            // Azure answers 416 for a range starting at the end (handled above); Azurite answers success, and for some
            // ranges ignores the range (status 200). Never hand out bytes from the wrong offset.
            await result.Content.DisposeAsync().ConfigureAwait(false);
            if (options.Offset >= opened.Length)
            {
                StorageThrow.ArgumentOutOfRange_Offset(container, name, options.Offset, opened.Length);
            }

            throw new InvalidOperationException($"The blob service ignored the range request for blob '{name}' in container '{container}'.");
        }

        var total = Math.Min(options.Length is { } length ? options.Offset + length : opened.Length, opened.Length) - options.Offset;
        return new DownloadReadStream(opened, result.Content, Math.Max(total, 0));
    }

    /// <inheritdoc />
    public async Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var blob = Blob(container, name);
        try
        {
            var response = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return ToProperties(container, name, response.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<BlobPage> ListPageAsync(string container, string? prefix = null, string? marker = null, int pageSize = 5000, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 5000);
        var pages = _service.GetBlobContainerClient(container)
            .GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, string.IsNullOrEmpty(prefix) ? null : prefix, cancellationToken)
            .AsPages(string.IsNullOrEmpty(marker) ? null : marker, pageSize);
        try
        {
            await foreach (var page in pages.ConfigureAwait(false))
            {
                var blobs = page.Values.Select(item => ToProperties(container, item)).ToList();
                return new BlobPage(blobs, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(container, null, e);
        }

        return new BlobPage([], null);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteIfExistsAsync(string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var blob = Blob(container, name);
        try
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.None, ToRequestConditions(conditions), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // As in the file store: "delete only this version" fails when there is no version at all.
            return conditions?.IfMatch is null ? false : throw new BlobConditionFailedException(container, name, conditions.ToString(), e);
        }
        catch (RequestFailedException e) when (MapError(e, container, name, conditions) is { } mapped)
        {
            throw mapped;
        }
    }

    private BlockBlobClient Blob(string container, string name)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateBlob(name);
        return _service.GetBlobContainerClient(container).GetBlockBlobClient(name);
    }

    private static async Task<BlobProperties> PutBlobAsync(BlockBlobClient blob, string container, string name, byte[] buffer, int count, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new MemoryStream(buffer, 0, count, writable: false);
            var upload = new SdkUploadOptions
            {
                HttpHeaders = Headers(options),
                Metadata = Metadata(options),
                Conditions = ToRequestConditions(options.Conditions),
            };
            var response = await blob.UploadAsync(content, upload, cancellationToken).ConfigureAwait(false);
            return Written(container, name, count, options, response.Value);
        }
        catch (RequestFailedException e) when (MapError(e, container, name, options.Conditions) is { } mapped)
        {
            throw mapped;
        }
        finally
        {
            BlockBuffers.Return(buffer);
        }
    }

    private async Task<BlobProperties> PutBlocksAsync(BlockBlobClient blob, string container, string name, Stream content, byte[] firstBlock, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        // Uncommitted blocks are scoped to the blob name; a per-upload id prefix keeps two concurrent uploads of the
        // same name from committing each other's blocks. All ids of a blob must have the same length.
        var uploadId = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        var inFlight = new List<Task>();
        long length = 0;
        byte[]? buffer = firstBlock;
        var filled = options.BlockSize;
        try
        {
            if (options.Conditions is { } conditions)
            {
                // Fail before sending gigabytes; the commit re-checks atomically.
                await CheckConditionsEarlyAsync(container, name, conditions, cancellationToken).ConfigureAwait(false);
            }

            while (filled > 0)
            {
                if (ids.Count == 50_000)
                {
                    throw new InvalidOperationException($"Blob '{name}' needs more than 50,000 blocks of {options.BlockSize} bytes; use a larger BlockSize.");
                }

                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{uploadId}-{ids.Count:D6}")));
                ids.Add(id);
                length += filled;
                inFlight.Add(StageBlockAsync(blob, container, name, id, buffer, filled, cancellationToken));
                buffer = null;
                if (inFlight.Count >= options.MaxConcurrency)
                {
                    var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                    inFlight.Remove(done);
                    await done.ConfigureAwait(false);
                }

                buffer = BlockBuffers.Rent(options.BlockSize);
                filled = await FillAsync(content, buffer, options.BlockSize, cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        catch
        {
            // Let every block task finish (each owns a pooled buffer) before reporting the first failure.
            try
            {
                await Task.WhenAll(inFlight).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already failing; the original exception is the one to report.
            }

            throw;
        }
        finally
        {
            if (buffer is not null)
            {
                BlockBuffers.Return(buffer);
            }
        }

        try
        {
            var commit = new CommitBlockListOptions
            {
                HttpHeaders = Headers(options),
                Metadata = Metadata(options),
                Conditions = ToRequestConditions(options.Conditions),
            };
            var response = await blob.CommitBlockListAsync(ids, commit, cancellationToken).ConfigureAwait(false);
            return Written(container, name, length, options, response.Value);
        }
        catch (RequestFailedException e) when (MapError(e, container, name, options.Conditions) is { } mapped)
        {
            throw mapped;
        }
    }

    private static async Task StageBlockAsync(BlockBlobClient blob, string container, string name, string blockId, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new MemoryStream(buffer, 0, count, writable: false);
            await blob.StageBlockAsync(blockId, content, new BlockBlobStageBlockOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (MapError(e, container, name, null) is { } mapped)
        {
            throw mapped;
        }
        finally
        {
            BlockBuffers.Return(buffer);
        }
    }

    private async Task CheckConditionsEarlyAsync(string container, string name, BlobConditions conditions, CancellationToken cancellationToken)
    {
        var current = await GetPropertiesAsync(container, name, cancellationToken).ConfigureAwait(false);
        var ifMatchFails = conditions.IfMatch is { } ifMatch && (current is null || (ifMatch != "*" && ifMatch != current.ETag));
        var ifNoneMatchFails = conditions.IfNoneMatch is { } ifNoneMatch && current is not null && (ifNoneMatch == "*" || ifNoneMatch == current.ETag);
        if (ifMatchFails || ifNoneMatchFails)
        {
            throw new BlobConditionFailedException(container, name, conditions.ToString());
        }
    }

    /// <summary>Our exception for a service error that means "not found" or "condition failed"; null for any other.</summary>
    private static Exception? MapError(RequestFailedException error, string container, string name, BlobConditions? conditions) => error.Status switch
    {
        404 when error.ErrorCode == BlobErrorCode.ContainerNotFound => new BlobNotFoundException(container, null, error),
        404 => new BlobNotFoundException(container, name, error),

        // Committing a block list discards every other uncommitted block of the blob, so of two concurrent block
        // uploads to one name the later commit finds its blocks gone (a service restart that loses uncommitted blocks
        // looks the same). Either way the caller re-reads and retries, as after any lost race.
        400 when error.ErrorCode == BlobErrorCode.InvalidBlockList => new BlobConditionFailedException(container, name, "staged blocks still present at commit (another upload of the same name committed first, or the service lost uncommitted blocks)", error),
        412 => new BlobConditionFailedException(container, name, conditions?.ToString() ?? "If-Match", error),
        409 when error.ErrorCode == BlobErrorCode.BlobAlreadyExists => new BlobConditionFailedException(container, name, conditions?.ToString() ?? "If-None-Match: *", error),
        _ => null,
    };

    private static BlobRequestConditions? ToRequestConditions(BlobConditions? conditions) => conditions is null ? null : new BlobRequestConditions
    {
        IfMatch = conditions.IfMatch is { } ifMatch ? new ETag(ifMatch) : null,
        IfNoneMatch = conditions.IfNoneMatch is { } ifNoneMatch ? new ETag(ifNoneMatch) : null,
    };

    private static BlobHttpHeaders Headers(BlobUploadOptions options) => new() { ContentType = options.ContentType ?? DefaultContentType };

    private static Dictionary<string, string> Metadata(BlobUploadOptions options) => new(options.Metadata ?? new Dictionary<string, string>());

    private static BlobProperties Written(string container, string name, long length, BlobUploadOptions options, BlobContentInfo info) =>
        new(container, name, length, Quoted(info.ETag), info.LastModified, options.ContentType ?? DefaultContentType,
            new Dictionary<string, string>(options.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase));

    private static BlobProperties ToProperties(string container, string name, SdkBlobProperties properties) =>
        new(container, name, properties.ContentLength, Quoted(properties.ETag), properties.LastModified,
            properties.ContentType is { Length: > 0 } type ? type : DefaultContentType, CaseInsensitive(properties.Metadata));

    private static BlobProperties ToProperties(string container, string name, BlobDownloadDetails details, bool ranged)
    {
        // A ranged response's Content-Length is the range's; the blob's length follows the '/' of Content-Range.
        var length = ranged && details.ContentRange is { } range && range.LastIndexOf('/') is var slash and > 0
            ? long.Parse(range[(slash + 1)..], CultureInfo.InvariantCulture)
            : details.ContentLength;
        return new(container, name, length, Quoted(details.ETag), details.LastModified,
            details.ContentType is { Length: > 0 } type ? type : DefaultContentType, CaseInsensitive(details.Metadata));
    }

    private static BlobProperties ToProperties(string container, BlobItem item) =>
        new(container, item.Name, item.Properties.ContentLength ?? 0, Quoted(item.Properties.ETag ?? default),
            item.Properties.LastModified ?? DateTimeOffset.MinValue,
            item.Properties.ContentType is { Length: > 0 } type ? type : DefaultContentType, CaseInsensitive(item.Metadata));

    // Listings carry the ETag without quotes, headers with them; BlobProperties.ETag is always the quoted header form.
    private static string Quoted(ETag etag) => etag.ToString("H");

    private static Dictionary<string, string> CaseInsensitive(IDictionary<string, string>? metadata) =>
        metadata is null ? new(StringComparer.OrdinalIgnoreCase) : new(metadata, StringComparer.OrdinalIgnoreCase);

    private static async Task<int> FillAsync(Stream stream, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < count)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }
}
