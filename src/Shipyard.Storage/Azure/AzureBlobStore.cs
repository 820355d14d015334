using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Shipyard.Storage.Internals;

namespace Shipyard.Storage;

/// <summary>
/// <see cref="IBlobStore"/> over the Azure Blob REST API (block blobs), on an Azure.Core pipeline. Works against
/// Azure Storage and Azurite. Service errors other than not-found and failed conditions surface as
/// <see cref="RequestFailedException"/> with the service's <c>x-ms-error-code</c> in <see cref="RequestFailedException.ErrorCode"/>.
/// </summary>
/// <remarks>
/// Uploads shorter than one block are a single Put Blob; longer ones are Put Block × N (bounded parallelism, each
/// block retried by the pipeline) then Put Block List, which is the only moment the new content becomes visible —
/// an interrupted upload leaves at most uncommitted blocks, never a partial blob under the name.
/// REST reference: https://learn.microsoft.com/rest/api/storageservices/blob-service-rest-api.
/// </remarks>
public sealed partial class AzureBlobStore : IBlobStore
{
    private readonly StorageRestClient _client;

    /// <summary>Creates the store for the blob endpoint of <paramref name="connection"/>.</summary>
    public AzureBlobStore(StorageConnection connection, StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var endpoint = connection.BlobEndpoint ?? throw new ArgumentException("The storage connection has no blob endpoint.", nameof(connection));
        _client = new StorageRestClient(endpoint, connection, options ?? new StorageClientOptions());
    }

    /// <summary>The blob service endpoint.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <inheritdoc />
    public async Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        using var message = _client.CreateMessage(RequestMethod.Put, container);
        message.Request.Uri.AppendQuery("restype", "container");
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            201 => true,
            409 when StorageRestClient.ErrorCode(response) == "ContainerAlreadyExists" => false,
            _ => throw await StorageRestClient.CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public async Task<BlobProperties> UploadAsync(string container, string name, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateBlob(name);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobUploadOptions();
        StorageThrow.ValidateUploadOptions(options);

        var buffer = ArrayPool<byte>.Shared.Rent(options.BlockSize);
        var filled = await FillAsync(content, buffer, options.BlockSize, cancellationToken).ConfigureAwait(false);
        if (filled < options.BlockSize)
        {
            try
            {
                return await PutBlobAsync(container, name, buffer.AsMemory(0, filled), options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return await PutBlocksAsync(container, name, content, buffer, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BlobReadStream> OpenReadAsync(string container, string name, BlobReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateBlob(name);
        options ??= new BlobReadOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Offset, nameof(options));
        if (options.Length is <= 0)
        {
            // A zero-length range is not expressible as an HTTP Range; answer it from the properties.
            var properties = await GetPropertiesAsync(container, name, cancellationToken).ConfigureAwait(false) ?? throw new BlobNotFoundException(container, name);
            return new AzureBlobReadStream(this, properties, options.Offset, 0, null);
        }

        var end = options.Length is { } length ? options.Offset + length : (long?)null;
        var response = await GetRangeAsync(container, name, options.Offset, end, options.IfMatch, cancellationToken).ConfigureAwait(false);
        var blob = ReadProperties(container, name, response, fromRangeResponse: response.Status == 206);
        if (options.Offset > 0 && options.Offset >= blob.Length)
        {
            // Azure answers 416 (handled in GetRangeAsync); Azurite answers a range starting at the end with success.
            response.Dispose();
            StorageThrow.ArgumentOutOfRange_Offset(container, name, options.Offset, blob.Length);
        }

        if (options.Offset > 0 && response.Status == 200)
        {
            // The service ignored the range (Azurite does so for a range starting at the end): never hand out bytes
            // from the wrong offset.
            response.Dispose();
            if (options.Offset >= blob.Length)
            {
                StorageThrow.ArgumentOutOfRange_Offset(container, name, options.Offset, blob.Length);
            }

            throw new InvalidOperationException($"The blob service ignored the range request for blob '{name}' in container '{container}'.");
        }

        var total = Math.Min(end ?? blob.Length, blob.Length) - options.Offset;
        return new AzureBlobReadStream(this, blob, options.Offset, Math.Max(total, 0), response);
    }

    /// <inheritdoc />
    public async Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateBlob(name);
        using var message = _client.CreateMessage(RequestMethod.Head, StorageRestClient.EscapePath(container, name));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            200 => ReadProperties(container, name, response, fromRangeResponse: false),
            404 => null,
            _ => throw await StorageRestClient.CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public async Task<BlobPage> ListPageAsync(string container, string? prefix = null, string? marker = null, int pageSize = 5000, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 5000);
        using var message = _client.CreateMessage(RequestMethod.Get, container);
        var uri = message.Request.Uri;
        uri.AppendQuery("restype", "container");
        uri.AppendQuery("comp", "list");
        uri.AppendQuery("include", "metadata");
        uri.AppendQuery("maxresults", pageSize.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(prefix))
        {
            uri.AppendQuery("prefix", prefix);
        }

        if (!string.IsNullOrEmpty(marker))
        {
            uri.AppendQuery("marker", marker);
        }

        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            throw new BlobNotFoundException(container, null, await StorageRestClient.CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false));
        }

        if (response.Status != 200)
        {
            throw await StorageRestClient.CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var xml = await XDocument.LoadAsync(response.ContentStream!, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        var root = xml.Root!;
        var blobs = root.Element("Blobs")?.Elements("Blob").Select(b => ParseListItem(container, b)).ToList() ?? [];
        var next = root.Element("NextMarker")?.Value;
        return new BlobPage(blobs, string.IsNullOrEmpty(next) ? null : next);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteIfExistsAsync(string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateBlob(name);
        using var message = _client.CreateMessage(RequestMethod.Delete, StorageRestClient.EscapePath(container, name));
        AddConditions(message.Request, conditions);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            202 => true,
            404 when conditions?.IfMatch is not null => throw new BlobConditionFailedException(container, name, conditions.ToString()),
            404 => false,
            _ => throw await MapErrorAsync(response, container, name, conditions, cancellationToken).ConfigureAwait(false),
        };
    }

    internal async Task<Response> GetRangeAsync(string container, string name, long offset, long? endExclusive, string? ifMatch, CancellationToken cancellationToken)
    {
        var message = _client.CreateMessage(RequestMethod.Get, StorageRestClient.EscapePath(container, name));
        message.BufferResponse = false;
        if (offset > 0 || endExclusive is not null)
        {
            var range = endExclusive is { } end ? $"bytes={offset}-{end - 1}" : $"bytes={offset}-";
            message.Request.Headers.SetValue("x-ms-range", range);
        }

        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }

        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status is 200 or 206)
        {
            return response;
        }

        using (message)
        {
            if (response.Status == 416)
            {
                var size = await GetPropertiesAsync(container, name, cancellationToken).ConfigureAwait(false);
                StorageThrow.ArgumentOutOfRange_Offset(container, name, offset, size?.Length ?? 0);
            }

            throw await MapErrorAsync(response, container, name, ifMatch is null ? null : new BlobConditions { IfMatch = ifMatch }, cancellationToken).ConfigureAwait(false);
        }
    }

    internal int MaxReadResumes => _client.Options.MaxReadResumes;

    private async Task<BlobProperties> PutBlobAsync(string container, string name, ReadOnlyMemory<byte> content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        using var message = _client.CreateMessage(RequestMethod.Put, StorageRestClient.EscapePath(container, name));
        var request = message.Request;
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        AddBlobHeaders(request, options);
        request.Content = RequestContent.Create(content);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw await MapErrorAsync(response, container, name, options.Conditions, cancellationToken).ConfigureAwait(false);
        }

        return Written(container, name, content.Length, options, response);
    }

    private async Task<BlobProperties> PutBlocksAsync(string container, string name, Stream content, byte[] firstBlock, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        // Uncommitted blocks are scoped to the blob name; a per-upload id prefix keeps two concurrent uploads of the
        // same name from committing each other's blocks. All ids of a blob must have the same length.
        var uploadId = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        var inFlight = new List<Task>();
        long length = 0;
        var buffer = firstBlock;
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
                inFlight.Add(PutBlockAsync(container, name, id, buffer, filled, cancellationToken));
                buffer = null!;
                if (inFlight.Count >= options.MaxConcurrency)
                {
                    var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                    inFlight.Remove(done);
                    await done.ConfigureAwait(false);
                }

                buffer = ArrayPool<byte>.Shared.Rent(options.BlockSize);
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
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return await PutBlockListAsync(container, name, ids, length, options, cancellationToken).ConfigureAwait(false);
    }

    private async Task PutBlockAsync(string container, string name, string blockId, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            using var message = _client.CreateMessage(RequestMethod.Put, StorageRestClient.EscapePath(container, name));
            message.Request.Uri.AppendQuery("comp", "block");
            message.Request.Uri.AppendQuery("blockid", blockId);
            message.Request.Content = RequestContent.Create(buffer.AsMemory(0, count));
            var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            if (response.Status != 201)
            {
                throw await MapErrorAsync(response, container, name, null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<BlobProperties> PutBlockListAsync(string container, string name, List<string> ids, long length, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in ids)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        xml.Append("</BlockList>");
        using var message = _client.CreateMessage(RequestMethod.Put, StorageRestClient.EscapePath(container, name));
        var request = message.Request;
        request.Uri.AppendQuery("comp", "blocklist");
        AddBlobHeaders(request, options);
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw await MapErrorAsync(response, container, name, options.Conditions, cancellationToken).ConfigureAwait(false);
        }

        return Written(container, name, length, options, response);
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

    private static void AddBlobHeaders(Request request, BlobUploadOptions options)
    {
        request.Headers.SetValue("x-ms-blob-content-type", options.ContentType ?? "application/octet-stream");
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            request.Headers.SetValue("x-ms-meta-" + key, value);
        }

        AddConditions(request, options.Conditions);
    }

    private static void AddConditions(Request request, BlobConditions? conditions)
    {
        if (conditions?.IfMatch is { } ifMatch)
        {
            request.Headers.SetValue("If-Match", ifMatch);
        }

        if (conditions?.IfNoneMatch is { } ifNoneMatch)
        {
            request.Headers.SetValue("If-None-Match", ifNoneMatch);
        }
    }

    private static async Task<Exception> MapErrorAsync(Response response, string container, string name, BlobConditions? conditions, CancellationToken cancellationToken)
    {
        var error = await StorageRestClient.CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            404 when error.ErrorCode == "ContainerNotFound" => new BlobNotFoundException(container, null, error),
            404 => new BlobNotFoundException(container, name, error),

            // Committing a block list discards every other uncommitted block of the blob, so of two concurrent block
            // uploads to one name the later commit finds its blocks gone (a service restart that loses uncommitted
            // blocks looks the same). Either way the caller re-reads and retries, as after any lost race.
            400 when error.ErrorCode == "InvalidBlockList" => new BlobConditionFailedException(container, name, "staged blocks still present at commit (another upload of the same name committed first, or the service lost uncommitted blocks)", error),
            412 => new BlobConditionFailedException(container, name, conditions?.ToString() ?? "If-Match", error),
            409 when error.ErrorCode == "BlobAlreadyExists" => new BlobConditionFailedException(container, name, conditions?.ToString() ?? "If-None-Match: *", error),
            _ => error,
        };
    }

    private static BlobProperties Written(string container, string name, long length, BlobUploadOptions options, Response response) =>
        new(container, name, length, Header(response, "ETag") ?? string.Empty, LastModified(response), options.ContentType ?? "application/octet-stream",
            new Dictionary<string, string>(options.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase));

    private static BlobProperties ReadProperties(string container, string name, Response response, bool fromRangeResponse)
    {
        long length = 0;
        if (fromRangeResponse && Header(response, "Content-Range") is { } range && range.LastIndexOf('/') is var slash and > 0)
        {
            length = long.Parse(range[(slash + 1)..], CultureInfo.InvariantCulture);
        }
        else if (Header(response, "Content-Length") is { } contentLength)
        {
            length = long.Parse(contentLength, CultureInfo.InvariantCulture);
        }

        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name["x-ms-meta-".Length..]] = header.Value;
            }
        }

        return new BlobProperties(container, name, length, Header(response, "ETag") ?? string.Empty, LastModified(response),
            Header(response, "Content-Type") ?? "application/octet-stream", metadata);
    }

    private static BlobProperties ParseListItem(string container, XElement blob)
    {
        var properties = blob.Element("Properties");
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in blob.Element("Metadata")?.Elements() ?? [])
        {
            metadata[item.Name.LocalName] = item.Value;
        }

        var etag = properties?.Element("Etag")?.Value ?? string.Empty;
        return new BlobProperties(
            container,
            blob.Element("Name")!.Value,
            long.Parse(properties?.Element("Content-Length")?.Value ?? "0", CultureInfo.InvariantCulture),
            etag.StartsWith('"') ? etag : $"\"{etag}\"",
            DateTimeOffset.TryParse(properties?.Element("Last-Modified")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : DateTimeOffset.MinValue,
            properties?.Element("Content-Type")?.Value is { Length: > 0 } type ? type : "application/octet-stream",
            metadata);
    }

    private static string? Header(Response response, string name) => response.Headers.TryGetValue(name, out var value) ? value : null;

    private static DateTimeOffset LastModified(Response response) =>
        DateTimeOffset.TryParse(Header(response, "Last-Modified"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : DateTimeOffset.UtcNow;

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
