using Shipyard.Storage;

namespace Shipyard.Testing;

/// <summary>
/// A real store with a fault-injection hook: <see cref="OnInputRead"/> runs once when an opened blob has returned at
/// least <see cref="TriggerBytes"/> bytes (cancel the job, stop Azurite, …); <see cref="FailUpload"/> makes chosen
/// writes fail as a full disk would (after reading their content, before the store sees them). Everything else goes
/// straight through.
/// </summary>
public sealed class HookedBlobStore(IBlobStore inner) : IBlobStore
{
    /// <summary>Bytes an opened <c>batch-in</c> blob returns before <see cref="OnInputRead"/> runs.</summary>
    public long TriggerBytes { get; set; } = long.MaxValue;

    /// <summary>Runs once per opened <c>batch-in</c> blob after <see cref="TriggerBytes"/> bytes.</summary>
    public Func<Task>? OnInputRead { get; set; }

    /// <summary>Given (container, name) of a write, true to fail it with "No space left on device".</summary>
    public Func<string, string, bool>? FailUpload { get; set; }

    /// <summary>How many writes <see cref="FailUpload"/> failed.</summary>
    public int FailedUploads => _failedUploads;

    private int _failedUploads;

    /// <inheritdoc />
    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default) =>
        inner.CreateContainerIfNotExistsAsync(container, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteIfExistsAsync(string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        inner.DeleteIfExistsAsync(container, name, conditions, cancellationToken);

    /// <inheritdoc />
    public Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default) =>
        inner.GetPropertiesAsync(container, name, cancellationToken);

    /// <inheritdoc />
    public Task<BlobPage> ListPageAsync(string container, string? prefix = null, string? marker = null, int pageSize = 5000, CancellationToken cancellationToken = default) =>
        inner.ListPageAsync(container, prefix, marker, pageSize, cancellationToken);

    /// <inheritdoc />
    public async Task<BlobReadStream> OpenReadAsync(string container, string name, BlobReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var stream = await inner.OpenReadAsync(container, name, options, cancellationToken);
        return container == "batch-in" ? new Hooked(stream, this) : stream;
    }

    /// <inheritdoc />
    public async Task<BlobProperties> UploadAsync(string container, string name, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (FailUpload?.Invoke(container, name) == true)
        {
            await content.CopyToAsync(Stream.Null, cancellationToken);
            Interlocked.Increment(ref _failedUploads);
            throw new IOException($"No space left on device : '{container}/{name}' (injected)");
        }

        return await inner.UploadAsync(container, name, content, options, cancellationToken);
    }

    private sealed class Hooked(BlobReadStream inner, HookedBlobStore owner) : BlobReadStream(inner.Properties)
    {
        private long _read;
        private bool _fired;

        public override long Length => inner.Length;

        protected override long ReadSoFar => _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_fired && _read >= owner.TriggerBytes && owner.OnInputRead is { } hook)
            {
                _fired = true;
                await hook();
            }

            var n = await inner.ReadAsync(buffer, cancellationToken);
            _read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
