namespace Shipyard.Storage.Internals;

/// <summary>
/// An exclusive lock held as an open lock file (FileShare.None, which .NET maps to flock on Unix), so it excludes
/// other threads and other processes (the CLI and the server sharing one data folder) alike.
/// </summary>
internal static class FileLock
{
    public static async Task<FileStream> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        var delay = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by another writer: back off a little, capped so that waiters stay responsive.
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 20);
            }
        }
    }
}
