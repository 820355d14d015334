using System.Diagnostics;
using Xunit;

namespace Shipyard.Testing;

/// <summary>Renders a page in Debian's headless Chromium (package chromium, installed by .ci/run) to a PNG screenshot.</summary>
public static class HeadlessChromium
{
    /// <summary>Where Debian installs it.</summary>
    public const string Executable = "/usr/bin/chromium";

    /// <summary>
    /// Renders <paramref name="page"/> into <paramref name="screenshot"/> (1280×1600) with a throw-away profile in
    /// <paramref name="workFolder"/>, and asserts that Chromium exited cleanly, wrote a PNG larger than
    /// <paramref name="minimumBytes"/> and logged no console error or uncaught exception.
    /// </summary>
    public static async Task AssertRendersAsync(string page, string screenshot, string workFolder, int minimumBytes = 20_000)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is required (Debian package chromium)");
        File.Delete(screenshot);
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", $"--user-data-dir={Path.Combine(workFolder, "chromium-profile")}", "--enable-logging=stderr", "--v=0",
            "--window-size=1280,1600", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var log = await stderr + await stdout;

        Assert.True(process.ExitCode == 0, log);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > minimumBytes, $"screenshot is only {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var consoleErrors = log.Split('\n').Where(l => l.Contains("Uncaught", StringComparison.Ordinal) || (l.Contains("CONSOLE", StringComparison.Ordinal) && l.Contains("ERROR", StringComparison.OrdinalIgnoreCase))).ToArray();
        Assert.True(consoleErrors.Length == 0, string.Join("\n", consoleErrors));
    }
}
