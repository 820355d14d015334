using Azure;

namespace Shipyard.Storage.Internals;

/// <summary>
/// <see cref="AzureBlobStore"/>'s read stream: the SDK's streaming download body (which itself resumes a broken
/// connection with a range request pinned by <c>If-Match</c> to the ETag the read started with) under our
/// <see cref="BlobReadStream"/>, with the blob's properties at open time, and a blob changed meanwhile reported as
/// <see cref="BlobConditionFailedException"/> rather than the SDK's 412.
/// </summary>
internal sealed class DownloadReadStream(BlobProperties properties, Stream body, long length) : BlobReadStream(properties)
{
    private long _read;

    public override long Length => length;

    protected override long ReadSoFar => _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, length - _read);
        if (wanted <= 0)
        {
            return 0;
        }

        int n;
        try
        {
            n = await body.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ConditionFailed(e) is { } failed)
        {
            throw new BlobConditionFailedException(Properties.Container, Properties.Name, $"If-Match: {Properties.ETag}", failed);
        }

        if (n == 0)
        {
            // The SDK's stream ended before the promised length: never pass a short read off as the whole blob.
            throw new IOException($"Blob '{Properties.Name}' in container '{Properties.Container}' ended after {_read} of {length} bytes.");
        }

        _read += n;
        return n;
    }

    // The resumed request's 412, directly or inside the SDK's "retry failed" aggregate.
    private static RequestFailedException? ConditionFailed(Exception e) => e switch
    {
        RequestFailedException { Status: 412 } failed => failed,
        AggregateException aggregate => aggregate.InnerExceptions.Select(ConditionFailed).FirstOrDefault(f => f is not null),
        _ => null,
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await body.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
