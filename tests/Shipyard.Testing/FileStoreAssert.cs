using System.Globalization;
using Xunit;

namespace Shipyard.Testing;

/// <summary>
/// Checks an embedded file store's folder on disk against the layout docs/storage.md promises, independently of the
/// store's own reader: no temporary files left, and every content file has the sidecar of its version.
/// </summary>
public static class FileStoreAssert
{
    /// <summary>
    /// Asserts that <c>{root}/.tmp</c> is empty and that every content file (outside the dot-folders) has its sidecar
    /// <c>.meta/{container}/{name}@{mtime ticks, hex}.json</c>, except the files named in <paramref name="putByHand"/>
    /// (<c>{container}/{name}</c>, files the test dropped in without the store).
    /// </summary>
    /// <returns>How many content files were checked.</returns>
    public static int Consistent(string root, params string[] putByHand)
    {
        var temporary = Path.Combine(root, ".tmp");
        Assert.True(!Directory.Exists(temporary) || Directory.GetFiles(temporary).Length == 0,
            $"temporary files left in {temporary}: {string.Join(", ", Directory.Exists(temporary) ? Directory.GetFiles(temporary).Select(Path.GetFileName) : [])}");
        var checkedFiles = 0;
        foreach (var container in Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')))
        {
            foreach (var file in Directory.GetFiles(container, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (putByHand.Contains(name, StringComparer.Ordinal))
                {
                    continue;
                }

                var stamp = File.GetLastWriteTimeUtc(file).Ticks;
                var sidecar = Path.Combine(root, ".meta", Path.GetRelativePath(root, file)) + string.Create(CultureInfo.InvariantCulture, $"@{stamp:x}.json");
                Assert.True(File.Exists(sidecar), $"{name} is visible without its metadata (no {sidecar})");
                checkedFiles++;
            }
        }

        return checkedFiles;
    }
}
