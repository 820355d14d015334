using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Shipyard.Testing;

/// <summary>
/// A real Azurite (node_modules/.bin/azurite) with blob, queue and table services on free loopback ports and a
/// temporary data folder. Use as an xunit class or collection fixture; <see cref="StopAsync"/> and
/// <see cref="RestartAsync"/> simulate an outage mid-test on the same ports and data.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The well-known development storage account name (Azurite's default).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known development storage account key (public; Azurite's default).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // Generous: Node loading Azurite takes seconds on a quiet machine but over a minute on a 2-core box with a load
    // average of 50 (several fixtures start in parallel); start time is not what the tests measure.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly StringBuilder _log = new();
    private Process? _process;

    /// <summary>Creates the fixture; ports and the data folder are chosen now, the process starts in <see cref="InitializeAsync"/>.</summary>
    public AzuriteFixture()
    {
        BlobPort = LoopbackPorts.Free();
        QueuePort = LoopbackPorts.Free();
        TablePort = LoopbackPorts.Free();
        Location = Path.Combine(Path.GetTempPath(), $"shipyard-azurite-{Guid.NewGuid():N}");
    }

    /// <summary>The blob service port on 127.0.0.1.</summary>
    public int BlobPort { get; }

    /// <summary>The queue service port on 127.0.0.1.</summary>
    public int QueuePort { get; }

    /// <summary>The table service port on 127.0.0.1.</summary>
    public int TablePort { get; }

    /// <summary>Azurite's data folder (deleted on dispose).</summary>
    public string Location { get; }

    /// <summary>The blob endpoint including the account, e.g. http://127.0.0.1:51000/devstoreaccount1.</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");

    /// <summary>The queue endpoint including the account.</summary>
    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");

    /// <summary>The table endpoint including the account.</summary>
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>A connection string in the form the Functions host and the Azure SDKs accept.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>True while the Azurite process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Azurite's console output so far (for assertion messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts Azurite (no-op when running) and waits until every service accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        Directory.CreateDirectory(Location);
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.NodeModules, ".bin", "azurite"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Location,
        };
        foreach (var argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", Location, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            foreach (var port in new[] { BlobPort, QueuePort, TablePort })
            {
                await WaitForPortAsync(process, port, timeout.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            await StopAsync(graceful: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops Azurite; data stays in <see cref="Location"/>. Graceful (the default) sends SIGTERM so Azurite saves its
    /// metadata database (it otherwise autosaves every 5 s) and waits up to 15 s; not graceful kills the process tree
    /// at once, like a crash (open connections break mid-transfer).
    /// </summary>
    public async Task StopAsync(bool graceful = true)
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            var logStart = Log.Length;
            if (graceful && !process.HasExited && Terminate(process.Id) == 0)
            {
                // Azurite saves its databases as each service closes but does not exit by itself while sockets or
                // timers linger; once all three report "successfully closed" the rest can be killed.
                var deadline = DateTime.UtcNow.AddSeconds(15);
                while (!process.HasExited && DateTime.UtcNow < deadline &&
                       CountFrom(logStart, "successfully closed") < 3)
                {
                    await Task.Delay(50).ConfigureAwait(false);
                }
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Stops and starts Azurite again on the same ports with the same data folder.</summary>
    public async Task RestartAsync(bool graceful = true, CancellationToken cancellationToken = default)
    {
        await StopAsync(graceful).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await StopAsync(graceful: false).ConfigureAwait(false);
        try
        {
            Directory.Delete(Location, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned by the OS later.
        }
    }

    /// <inheritdoc />
    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);

    private async Task WaitForPortAsync(Process process, int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on port {port}:{Environment.NewLine}{Log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                try
                {
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!process.HasExited)
                {
                    throw new TimeoutException($"Azurite did not listen on port {port} within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{Log}");
                }
            }
            catch (OperationCanceledException) when (!process.HasExited)
            {
                throw new TimeoutException($"Azurite did not listen on port {port} within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{Log}");
            }
        }
    }

    private int CountFrom(int start, string text)
    {
        var log = Log;
        var count = 0;
        for (var i = log.IndexOf(text, Math.Min(start, log.Length), StringComparison.Ordinal); i >= 0; i = log.IndexOf(text, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int Terminate(int pid) => OperatingSystem.IsWindows() ? -1 : NativeMethods.kill(pid, 15 /* SIGTERM */);

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "libc name.")]
        public static extern int kill(int pid, int sig);
    }
}
