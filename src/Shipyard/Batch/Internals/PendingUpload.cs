using System.IO.Pipelines;
using Shipyard.Storage;

namespace Shipyard.Batch.Internals;

/// <summary>
/// An output blob written while the job runs and committed only at the end: the job writes into <see cref="Content"/>
/// (a bounded pipe, so memory stays flat), the store's upload reads the other end. <see cref="CommitAsync"/> ends the
/// stream normally, so the store commits the blob; <see cref="AbortAsync"/> faults it, so the store never commits
/// (uncommitted blocks on Azure, a deleted temp file on the file store). If the upload itself fails, the job is cancelled.
/// </summary>
internal sealed class PendingUpload
{
    // At most 1 MiB waits in the pipe, in 64 KiB segments: 16 of them, which the pipe's own segment cache and the shared
    // array pool keep and reuse for the whole job. With 4 KiB segments (the default) and 4 MiB in flight, a thousand
    // segments and arrays were allocated and dropped per 4 MiB written, the heap grew with the output's length
    // (42 MiB of GC heap on 1M rows against 7 on 100k) and peak memory was not flat (docs/benchmarks.md "Storage").
    private static readonly PipeOptions Options = new(
        pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 512 << 10, minimumSegmentSize: 64 << 10, useSynchronizationContext: false);
    private readonly Pipe _pipe = new(Options);
    private readonly Task<BlobProperties> _upload;
    private volatile bool _aborting;

    public PendingUpload(IBlobStore store, string name, string contentType, CancellationTokenSource job)
    {
        Name = name;
        Content = _pipe.Writer.AsStream();
        _upload = UploadAsync(store, name, contentType, job);
    }

    /// <summary>The blob name in <c>batch-out</c>.</summary>
    public string Name { get; }

    /// <summary>Where the job writes the content.</summary>
    public Stream Content { get; }

    /// <summary>Ends the content and waits for the store to commit the blob.</summary>
    public async Task<BlobProperties> CommitAsync()
    {
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        return await _upload.ConfigureAwait(false);
    }

    /// <summary>Faults the content so the upload fails without committing, and waits for it to end.</summary>
    public async Task AbortAsync(Exception reason)
    {
        _aborting = true;
        await _pipe.Writer.CompleteAsync(new OperationCanceledException("The batch job did not finish; the output is not committed.", reason)).ConfigureAwait(false);
        try
        {
            await _upload.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Expected: the upload fails because its content faulted (or failed on its own; see ThrowIfFailedAsync).
        }
    }

    /// <summary>Like <see cref="AbortAsync"/>, for outputs that are not published (failed or rejected jobs).</summary>
    public Task DiscardAsync() => AbortAsync(new InvalidOperationException("not published"));

    /// <summary>Rethrows the upload's own failure (a storage fault), if that is why the job stopped.</summary>
    public async Task ThrowIfFailedAsync()
    {
        if (_upload.IsFaulted && _upload.Exception!.InnerException is { } e && e is not OperationCanceledException)
        {
            await Task.FromException(e).ConfigureAwait(false);
        }
    }

    private async Task<BlobProperties> UploadAsync(IBlobStore store, string name, string contentType, CancellationTokenSource job)
    {
        await Task.Yield();
        var reader = _pipe.Reader.AsStream();
        try
        {
            return await store.UploadAsync(BlobBatchProcessor.OutputContainer, name, reader, new BlobUploadOptions { ContentType = contentType }, job.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await _pipe.Reader.CompleteAsync(e).ConfigureAwait(false);
            if (_aborting)
            {
                throw; // our own abort: nothing else to stop
            }

            try
            {
                await job.CancelAsync().ConfigureAwait(false); // stop the job: its output can no longer be stored
            }
            catch (ObjectDisposedException)
            {
                // The job already ended.
            }

            throw;
        }
    }
}
