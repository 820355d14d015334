using Microsoft.Extensions.Logging;

namespace Shipyard.Storage;

/// <summary>Removing what crashed writes left in <c>.tmp/</c>.</summary>
public sealed partial class FileBlobStore
{
    private long _lastSweep = Environment.TickCount64;

    /// <summary>
    /// Deletes the stale temporary files: those no open handle holds (a write holds its file open until it is renamed
    /// into place) whose writer is provably gone (<see cref="LocalProcess.IsProvablyGone"/>) or that were not written
    /// for <see cref="FileBlobStoreOptions.StaleTempAge"/>. Logs how many files and bytes it removed.
    /// </summary>
    /// <returns>The files and bytes removed.</returns>
    internal (int Files, long Bytes) SweepTemporaryFiles()
    {
        var (files, bytes) = (0, 0L);
        foreach (var info in new DirectoryInfo(_tempRoot).EnumerateFiles())
        {
            var writer = Path.GetFileNameWithoutExtension(info.Name); // "{token}.{guid}" -> the token
            if (!LocalProcess.IsProvablyGone(writer) && DateTime.UtcNow - info.LastWriteTimeUtc <= _options.StaleTempAge)
            {
                continue;
            }

            try
            {
                // Exclusive open fails while a writer holds the file; DeleteOnClose removes it as this handle closes.
                using (new FileStream(info.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose))
                {
                    files++;
                    bytes += info.Length;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use by a write (or already gone): not ours to remove.
            }
        }

        if (files > 0)
        {
            LogTemporaryFilesRemoved(files, bytes, _tempRoot);
        }

        return (files, bytes);
    }

    /// <summary>Runs <see cref="SweepTemporaryFiles"/> when the last sweep is older than the stale age (one caller at a time).</summary>
    private void SweepTemporaryFilesIfDue()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last >= (long)_options.StaleTempAge.TotalMilliseconds && Interlocked.CompareExchange(ref _lastSweep, now, last) == last)
        {
            SweepTemporaryFiles();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Files} stale temporary files ({Bytes} bytes) left by interrupted writes in {Folder}")]
    private partial void LogTemporaryFilesRemoved(int files, long bytes, string folder);
}
