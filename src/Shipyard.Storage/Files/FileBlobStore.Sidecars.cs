using System.Globalization;
using System.Text.Json;
using Shipyard.Storage.Internals;

namespace Shipyard.Storage;

/// <summary>The sidecars: one per committed version, found through the content file's modification time.</summary>
public sealed partial class FileBlobStore
{
    private static readonly JsonSerializerOptions SidecarJson = new(JsonSerializerDefaults.Web);

    /// <summary>The sidecar of the version whose content file has modification time <paramref name="stamp"/>.</summary>
    private static string SidecarPath(string metaPath, long stamp) =>
        string.Create(CultureInfo.InvariantCulture, $"{metaPath}@{stamp:x}.json");

    /// <summary>Where stores before the one-rename commit kept the sidecar (read while such stores are upgraded).</summary>
    private static string LegacySidecarPath(string metaPath) => metaPath + ".json";

    /// <summary>
    /// Gives the temporary content file a modification time that neither the version it replaces nor any leftover
    /// sidecar has, and returns it as the file system kept it (its resolution may be coarser than a tick).
    /// </summary>
    private static long Stamp(FileStream temp, string metaPath, long? previous)
    {
        var candidate = Math.Max(DateTime.UtcNow.Ticks, (previous ?? 0) + 1);
        for (var attempt = 0; attempt < 24; attempt++)
        {
            File.SetLastWriteTimeUtc(temp.SafeFileHandle, new DateTime(candidate, DateTimeKind.Utc));
            var stamp = File.GetLastWriteTimeUtc(temp.SafeFileHandle).Ticks;
            if (stamp != previous && !File.Exists(SidecarPath(metaPath, stamp)))
            {
                return stamp;
            }

            // Taken: step forward, further each time, to get past a coarse timestamp resolution (FAT keeps 2 s).
            candidate = Math.Max(candidate, stamp) + (TimeSpan.TicksPerMillisecond << Math.Min(attempt, 12));
        }

        throw new IOException($"Could not give '{temp.Name}' a modification time of its own; the file system keeps too coarse a time.");
    }

    private static async Task WriteSidecarAsync(string path, FileBlobSidecar sidecar)
    {
        // Never cancelled half-way: the content is already complete, and a sidecar for it is cheap.
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(sidecar, SidecarJson), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the sidecars of a replaced or deleted version (best effort: a leftover matches no content).</summary>
    private static void DeleteSidecars(string metaPath, long stamp)
    {
        foreach (var path in new[] { SidecarPath(metaPath, stamp), LegacySidecarPath(metaPath) })
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Harmless: no content file will carry this stamp again.
            }
        }
    }

    /// <summary>
    /// The blob's properties: from the sidecar of the content file's current modification time, or, when there is none
    /// (a file put there by hand), derived from the file alone with no metadata. Null when there is no content file.
    /// </summary>
    private static BlobProperties? ReadProperties(string container, string name, string contentPath, string metaPath)
    {
        var info = new FileInfo(contentPath);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (!info.Exists)
            {
                return null;
            }

            var (length, stamp) = (info.Length, info.LastWriteTimeUtc.Ticks);
            var sidecar = ReadSidecar(SidecarPath(metaPath, stamp)) ?? ReadSidecar(LegacySidecarPath(metaPath));
            if (sidecar is not null && sidecar.Length == length && sidecar.ContentTicks == stamp)
            {
                return ToProperties(container, name, sidecar);
            }

            // No sidecar for this content: unless a writer replaced the file while we looked (then look again), the
            // file was written behind the store's back.
            info.Refresh();
            if (!info.Exists || info.Length != length || info.LastWriteTimeUtc.Ticks != stamp)
            {
                continue;
            }

            var etag = string.Create(CultureInfo.InvariantCulture, $"\"f{length:x}-{stamp:x}\"");
            return ToProperties(container, name, new FileBlobSidecar(etag, DefaultContentType, [], length, stamp, info.LastWriteTimeUtc));
        }

        throw new IOException($"Blob '{name}' in container '{container}' kept changing while its properties were read; retry.");
    }

    private static FileBlobSidecar? ReadSidecar(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<FileBlobSidecar>(File.ReadAllBytes(path), SidecarJson);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // missing (FileNotFound/DirectoryNotFound are IOExceptions) or damaged
        }
    }
}
