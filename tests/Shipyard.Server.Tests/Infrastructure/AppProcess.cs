using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Shipyard.Testing;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>
/// The built server executable (<see cref="BuiltApp.Executable"/>) running as its own process, as a user or a
/// container would start it, with a temporary data folder. Output is collected for assertion messages.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _ownsData;

    private AppProcess(Process process, Uri baseAddress, string dataPath, bool ownsData)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataPath = dataPath;
        _ownsData = ownsData;
    }

    /// <summary>Where the app listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The embedded store folder.</summary>
    public string DataPath { get; }

    /// <summary>Process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the executable from its folder with <paramref name="environment"/> and <paramref name="arguments"/>.</summary>
    public static AppProcess Start(Uri baseAddress, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        StartProcess(null, baseAddress, environment, arguments);

    /// <summary>
    /// Like <see cref="Start(Uri, IReadOnlyDictionary{string, string?}, string[])"/>, on the embedded store in
    /// <paramref name="dataPath"/>, which is kept on dispose so that a second process can start on what the first left.
    /// </summary>
    public static AppProcess StartWithData(string dataPath, Uri baseAddress, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataPath);
        return StartProcess(dataPath, baseAddress, environment, arguments);
    }

    private static AppProcess StartProcess(string? dataPath, Uri baseAddress, IReadOnlyDictionary<string, string?> environment, string[] arguments)
    {
        var ownsData = dataPath is null;
        dataPath ??= Path.Combine(Path.GetTempPath(), $"shipyard-process-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(BuiltApp.Executable)
        {
            WorkingDirectory = BuiltApp.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A clean environment for the settings that matter; the rest (PATH, DOTNET_ROOT) is inherited.
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "APPLICATIONINSIGHTS_CONNECTION_STRING", "AzureWebJobsStorage" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["Shipyard__DataPath"] = dataPath;
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        // gRPC off unless a test asks for it: its default port (7072) is one port for every process started in parallel.
        start.Environment["Shipyard__Grpc__Url"] = "";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var app = new AppProcess(process, baseAddress, dataPath, ownsData);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Polls <c>/api/health</c> until 200.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/api/health")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException($"The app was not ready within {timeout}:{Environment.NewLine}{Output}");
    }

    /// <summary>Sends SIGTERM, as systemd or a container runtime does on shutdown.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Kills the process with SIGKILL, as a crash or the OOM killer would (no shutdown code runs), and waits for it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for exit; false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        if (!_ownsData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
