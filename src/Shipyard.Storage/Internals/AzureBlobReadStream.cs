using Azure;

namespace Shipyard.Storage.Internals;

/// <summary>
/// Streams a Get Blob response. When the connection breaks (or the body ends early) it reopens at the current
/// offset with a Range request and <c>If-Match</c> on the ETag it started with, so it either continues with the same
/// version or fails with <see cref="BlobConditionFailedException"/>; it never stitches two versions together.
/// </summary>
internal sealed class AzureBlobReadStream : BlobReadStream
{
    private readonly AzureBlobStore _store;
    private readonly long _start;
    private readonly long _length;
    private Response? _response;
    private Stream? _body;
    private long _read;

    public AzureBlobReadStream(AzureBlobStore store, BlobProperties properties, long start, long length, Response? response)
        : base(properties)
    {
        _store = store;
        _start = start;
        _length = length;
        _response = response;
        _body = response?.ContentStream;
    }

    public override long Length => _length;

    protected override long ReadSoFar => _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - _read);
        if (wanted <= 0)
        {
            return 0;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (_body is null)
                {
                    await ReopenAsync(cancellationToken).ConfigureAwait(false);
                }

                var n = await _body!.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
                if (n > 0)
                {
                    _read += n;
                    return n;
                }

                // The body ended before the promised length: the connection was cut cleanly.
                throw new IOException($"Blob '{Properties.Name}' response ended after {_read} of {_length} bytes.");
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && attempt < _store.MaxReadResumes)
            {
                DisposeResponse();
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReopenAsync(CancellationToken cancellationToken)
    {
        var offset = _start + _read;
        _response = await _store.GetRangeAsync(Properties.Container, Properties.Name, offset, _start + _length, Properties.ETag, cancellationToken).ConfigureAwait(false);
        _body = _response.ContentStream;
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // a network timeout, not the caller
        IOException or System.Net.Http.HttpRequestException => true,
        RequestFailedException { Status: 0 or 408 or 500 or 502 or 503 or 504 } => true,
        _ => false,
    };

    private void DisposeResponse()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeResponse();
        }

        base.Dispose(disposing);
    }
}
