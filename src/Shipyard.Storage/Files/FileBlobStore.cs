using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Storage.Internals;

namespace Shipyard.Storage;

/// <summary>
/// The embedded blob store: a folder per container under <see cref="Root"/>, blob names as relative paths, so a
/// developer can look at (and drop files into) <c>./.shipyard/batch-in/...</c>.
/// </summary>
/// <remarks>
/// <para>Layout: content at <c>{root}/{container}/{name}</c>; ETag, content type and metadata in a sidecar
/// <c>{root}/.meta/{container}/{name}@{stamp}.json</c>, where <c>stamp</c> is the content file's modification time in
/// ticks (hex), which the store sets to a value unique for the name; in-flight writes in <c>{root}/.tmp/</c>; per-blob
/// lock files in <c>{root}/.locks/</c> (container names cannot start with a dot, so these never collide with a
/// container).</para>
/// <para>A write is one atomic publish. It streams into a temporary file (a full disk fails here, before anything is
/// visible), then under the blob's lock checks its conditions, stamps the temporary file's modification time, writes
/// the sidecar for that stamp (a full disk fails here too: no content carries the stamp yet, so the sidecar is
/// invisible and is deleted), and renames the content over the old one: that single POSIX rename is the commit, so
/// readers and concurrent writers see the old content with its sidecar or the new content with its sidecar, never a
/// torn file or content with another version's metadata. A rename keeps the modification time, which is why the
/// sidecar can be written before it. The old version's sidecar is deleted after the commit; one left by a crash just
/// before or after the rename matches no content and is ignored. The lock is a lock file, so it also holds across
/// processes.</para>
/// <para>Temporary files carry their writer's <see cref="LocalProcess"/> token and stay open while written, so the
/// leftovers of a crashed writer are told from writes in progress and removed at start (and by a sweep at most once
/// per <see cref="FileBlobStoreOptions.StaleTempAge"/>), with their count and size logged.</para>
/// <para>Unlike Azure, a name cannot be both a blob and a "folder" of other blobs (<c>a</c> and <c>a/b</c>); such a
/// write fails with an <see cref="IOException"/>. A file put in a container folder by hand (or changed by hand) has no
/// sidecar for its modification time: it is a blob without metadata whose ETag is derived from its length and
/// modification time. A blob the store wrote is never visible without its own sidecar.</para>
/// </remarks>
public sealed partial class FileBlobStore : IBlobStore
{
    private const string DefaultContentType = "application/octet-stream";
    private readonly string _metaRoot;
    private readonly string _tempRoot;
    private readonly string _lockRoot;
    private readonly FileBlobStoreOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a store rooted at <paramref name="root"/> (created when missing) and removes stale temporary files.</summary>
    /// <param name="root">The store's folder.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="logger">Where the temporary-file sweeps are logged; null for none.</param>
    public FileBlobStore(string root, FileBlobStoreOptions? options = null, ILogger<FileBlobStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _options = options ?? new FileBlobStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.StaleTempAge, TimeSpan.Zero, nameof(options));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metaRoot = Path.Combine(Root, ".meta");
        _tempRoot = Path.Combine(Root, ".tmp");
        _lockRoot = Path.Combine(Root, ".locks");
        Directory.CreateDirectory(_tempRoot);
        Directory.CreateDirectory(_lockRoot);
        SweepTemporaryFiles();
    }

    /// <summary>The store's folder (absolute).</summary>
    public string Root { get; }

    /// <inheritdoc />
    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        cancellationToken.ThrowIfCancellationRequested();
        var path = Path.Combine(Root, container);
        if (Directory.Exists(path))
        {
            return Task.FromResult(false);
        }

        Directory.CreateDirectory(path);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public async Task<BlobProperties> UploadAsync(string container, string name, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (contentPath, metaPath) = Resolve(container, name);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new BlobUploadOptions();
        StorageThrow.ValidateUploadOptions(options);
        RequireContainer(container);

        // Fail before copying gigabytes when the condition already fails; it is checked again under the lock.
        if (options.Conditions is { } early)
        {
            CheckConditions(container, name, early, ReadProperties(container, name, contentPath, metaPath));
        }

        SweepTemporaryFilesIfDue();
        var temp = Path.Combine(_tempRoot, $"{LocalProcess.Token}.{Guid.NewGuid():N}");
        string? sidecarPath = null;
        var committed = false;
        try
        {
            // Held open (and so locked against the sweep) until it is renamed into place; FileShare.Delete lets the
            // rename happen while it is open on Windows as well.
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Delete, 1024 * 1024, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, Math.Min(options.BlockSize, 1024 * 1024), cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                var length = file.Length;

                var fileLock = await FileLock.AcquireAsync(LockPath(container, name), cancellationToken).ConfigureAwait(false);
                await using (fileLock.ConfigureAwait(false))
                {
                    if (options.Conditions is { } conditions)
                    {
                        CheckConditions(container, name, conditions, ReadProperties(container, name, contentPath, metaPath));
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(contentPath)!);
                    Directory.CreateDirectory(Path.GetDirectoryName(metaPath)!);
                    if (Directory.Exists(contentPath))
                    {
                        throw new IOException($"Blob name '{name}' in container '{container}' is already used as a folder of other blobs; the file store cannot hold both.");
                    }

                    var previous = new FileInfo(contentPath) is { Exists: true } old ? old.LastWriteTimeUtc.Ticks : (long?)null;
                    var stamp = Stamp(file, metaPath, previous);
                    var sidecar = new FileBlobSidecar(
                        NewETag(),
                        options.ContentType ?? DefaultContentType,
                        new Dictionary<string, string>(options.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase),
                        length,
                        stamp,
                        DateTimeOffset.UtcNow);
                    sidecarPath = SidecarPath(metaPath, stamp);
                    await WriteSidecarAsync(sidecarPath, sidecar).ConfigureAwait(false);

                    // The commit: one rename publishes the content, and with it the sidecar its stamp names.
                    File.Move(temp, contentPath, overwrite: true);
                    committed = true;
                    if (previous is { } replaced)
                    {
                        DeleteSidecars(metaPath, replaced);
                    }

                    return ToProperties(container, name, sidecar);
                }
            }
        }
        finally
        {
            if (!committed)
            {
                File.Delete(temp);
                if (sidecarPath is not null)
                {
                    File.Delete(sidecarPath);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<BlobReadStream> OpenReadAsync(string container, string name, BlobReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (contentPath, metaPath) = Resolve(container, name);
        options ??= new BlobReadOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Offset, nameof(options));
        RequireContainer(container);

        BlobProperties properties;
        FileStream file;
        var fileLock = await FileLock.AcquireAsync(LockPath(container, name), cancellationToken).ConfigureAwait(false);
        await using (fileLock.ConfigureAwait(false))
        {
            properties = ReadProperties(container, name, contentPath, metaPath) ?? throw new BlobNotFoundException(container, name);
            if (options.IfMatch is { } etag)
            {
                CheckConditions(container, name, new BlobConditions { IfMatch = etag }, properties);
            }

            // The open handle pins this version: a later rename over the path does not change what it reads.
            file = new FileStream(contentPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }

        if (options.Offset > 0 && options.Offset >= properties.Length)
        {
            await file.DisposeAsync().ConfigureAwait(false);
            StorageThrow.ArgumentOutOfRange_Offset(container, name, options.Offset, properties.Length);
        }

        var length = Math.Min(options.Length ?? long.MaxValue, properties.Length - options.Offset);
        return new RangeReadStream(properties, file, options.Offset, length);
    }

    /// <inheritdoc />
    public Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var (contentPath, metaPath) = Resolve(container, name);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ReadProperties(container, name, contentPath, metaPath));
    }

    /// <inheritdoc />
    public Task<BlobPage> ListPageAsync(string container, string? prefix = null, string? marker = null, int pageSize = 5000, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 5000);
        RequireContainer(container);
        prefix ??= string.Empty;

        var containerPath = Path.Combine(Root, container);

        // Only walk the deepest folder the prefix names completely ("logs/m/1/2026/" -> that folder).
        var folder = prefix.LastIndexOf('/') is var slash and >= 0 ? prefix[..slash] : string.Empty;
        var start = folder.Length == 0 ? containerPath : Path.Combine(containerPath, folder.Replace('/', Path.DirectorySeparatorChar));
        if (!IsInside(start, containerPath) || !Directory.Exists(start))
        {
            return Task.FromResult(new BlobPage([], null));
        }

        var names = Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(containerPath, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && (marker is null || string.CompareOrdinal(n, marker) > 0))
            .Order(StringComparer.Ordinal)
            .Take(pageSize + 1)
            .ToList();

        var blobs = new List<BlobProperties>(Math.Min(names.Count, pageSize));
        foreach (var blobName in names.Take(pageSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (contentPath, metaPath) = Resolve(container, blobName);
            if (ReadProperties(container, blobName, contentPath, metaPath) is { } properties)
            {
                blobs.Add(properties);
            }
        }

        var next = names.Count > pageSize ? names[pageSize - 1] : null;
        return Task.FromResult(new BlobPage(blobs, next));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteIfExistsAsync(string container, string name, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var (contentPath, metaPath) = Resolve(container, name);
        var fileLock = await FileLock.AcquireAsync(LockPath(container, name), cancellationToken).ConfigureAwait(false);
        await using (fileLock.ConfigureAwait(false))
        {
            var properties = ReadProperties(container, name, contentPath, metaPath);
            if (conditions is not null)
            {
                CheckConditions(container, name, conditions, properties);
            }

            if (properties is null)
            {
                return false;
            }

            // Deleting the content is the commit; its sidecar is garbage from then on.
            var stamp = new FileInfo(contentPath).LastWriteTimeUtc.Ticks;
            File.Delete(contentPath);
            DeleteSidecars(metaPath, stamp);
            return true;
        }
    }

    /// <summary>The content path and the sidecars' base path (<c>.meta/{container}/{name}</c>, see <see cref="SidecarPath"/>).</summary>
    private (string ContentPath, string MetaPath) Resolve(string container, string name)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateBlob(name);
        var relative = name.Replace('/', Path.DirectorySeparatorChar);
        var containerPath = Path.Combine(Root, container);
        var contentPath = Path.GetFullPath(Path.Combine(containerPath, relative));
        var metaPath = Path.GetFullPath(Path.Combine(_metaRoot, container, relative));

        // Defence in depth: BlobNames already rules out '..' and rooted names.
        if (!IsInside(contentPath, containerPath) || !IsInside(metaPath, _metaRoot))
        {
            StorageThrow.ArgumentException_BadName("blob", name, "it resolves outside the store", nameof(name));
        }

        return (contentPath, metaPath);
    }

    private static bool IsInside(string path, string folder) =>
        Path.GetFullPath(path) is var full && (full == folder || full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    private void RequireContainer(string container)
    {
        if (!Directory.Exists(Path.Combine(Root, container)))
        {
            throw new BlobNotFoundException(container, null);
        }
    }

    private string LockPath(string container, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(container + "/" + name));
        return Path.Combine(_lockRoot, Convert.ToHexStringLower(hash) + ".lock");
    }

    private static BlobProperties ToProperties(string container, string name, FileBlobSidecar sidecar) =>
        new(container, name, sidecar.Length, sidecar.ETag, sidecar.LastModified, sidecar.ContentType,
            new Dictionary<string, string>(sidecar.Metadata ?? [], StringComparer.OrdinalIgnoreCase));

    private static void CheckConditions(string container, string name, BlobConditions conditions, BlobProperties? current)
    {
        if (conditions.IfMatch is { } ifMatch && (current is null || (ifMatch != "*" && ifMatch != current.ETag)))
        {
            throw new BlobConditionFailedException(container, name, $"If-Match: {ifMatch}");
        }

        if (conditions.IfNoneMatch is { } ifNoneMatch && current is not null && (ifNoneMatch == "*" || ifNoneMatch == current.ETag))
        {
            throw new BlobConditionFailedException(container, name, $"If-None-Match: {ifNoneMatch}");
        }
    }

    private static string NewETag() => $"\"{Guid.NewGuid():N}\"";
}
