using System.Diagnostics;
using System.Globalization;

namespace Shipyard.Testing;

/// <summary>
/// A real, small file system that fills up: a tmpfs of a given size mounted at a temporary folder, so that writes fail
/// with the operating system's own "No space left on device". Mounting needs root, or passwordless sudo as
/// <c>.ci/run</c> already requires; without either, <see cref="Mount"/> fails loudly (it never skips a test).
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Bytes still free for writing.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> (rounded up to whole pages by the kernel).</summary>
    /// <exception cref="InvalidOperationException">The tmpfs could not be mounted; the message says why and what is needed.</exception>
    public static SmallDisk Mount(long bytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"shipyard-disk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        var (code, output) = Sudo("mount", "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={bytes},mode=1777"), "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException(
                $"Could not mount a {bytes}-byte tmpfs at {path} (exit {code}: {output.Trim()}). The disk-full tests need root or passwordless sudo to mount one, as .ci/run has.");
        }

        return new SmallDisk(path);
    }

    /// <summary>Fills the disk with one file until exactly <paramref name="freeBytes"/> (rounded down to whole pages) stay free.</summary>
    public void FillLeaving(long freeBytes)
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        using var file = new FileStream(filler, FileMode.Append, FileAccess.Write);
        var page = new byte[4096];
        while (FreeBytes - page.Length >= freeBytes)
        {
            file.Write(page);
            file.Flush();
        }
    }

    /// <summary>Unmounts (lazily, so a process that still has files open there does not keep it) and removes the folder.</summary>
    public void Dispose()
    {
        Sudo("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Unmounted lazily: the folder goes once the last handle closes.
        }
    }

    private static (int Code, string Output) Sudo(string command, params string[] arguments)
    {
        var root = Environment.UserName == "root";
        var start = new ProcessStartInfo(root ? command : "sudo") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!root)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add(command);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
