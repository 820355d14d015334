using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests.Infrastructure;

/// <summary>
/// The real Functions host over the built function app, with Azurite (../shared/funchost/start-host.sh), started once
/// per test class and stopped with stop-host.sh. App settings go in as environment variables, as local.settings.json's
/// Values would: the drift timer every few seconds so a test can wait for it, and Application Insights sending to
/// <see cref="Telemetry"/> (as in Azure, where the connection string is always set).
/// </summary>
public sealed class FunctionsHostFixture : IAsyncLifetime
{
    /// <summary>DRIFT_SCHEDULE under test: every 5 seconds.</summary>
    public const string DriftSchedule = "*/5 * * * * *";

    private Dictionary<string, string> _exports = new(StringComparer.Ordinal);

    /// <summary>The host's base URL (http://127.0.0.1:PORT).</summary>
    public Uri BaseUrl => new(_exports["HOST_URL"]);

    /// <summary>The default function key (authLevel Function).</summary>
    public string FunctionKey => _exports["FUNCTION_KEY"];

    /// <summary>The master key (authLevel Admin).</summary>
    public string MasterKey => _exports["MASTER_KEY"];

    /// <summary>The blobs_extension system key (the Event Grid webhook).</summary>
    public string BlobsExtensionKey => _exports["BLOBS_EXTENSION_KEY"];

    /// <summary>Azurite's connection string (the app's AzureWebJobsStorage).</summary>
    public string StorageConnection => _exports["AZURITE_CONN"];

    /// <summary>The host's log file (for failure messages).</summary>
    public string HostLog => _exports.TryGetValue("HOST_LOG", out var log) && File.Exists(log) ? ReadShared(log) : "(no host log)";

    /// <summary>Where the worker's Application Insights telemetry goes (APPLICATIONINSIGHTS_CONNECTION_STRING).</summary>
    public FakeIngestion Telemetry { get; } = new();

    /// <summary>An HTTP client for the host, without a key.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The app's blob store (Azurite), as the app sees it.</summary>
    public IBlobStore Blobs { get; private set; } = null!;

    /// <summary>The app's queues (Azurite).</summary>
    public IMessageQueue Queues { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Path.Combine(FunctionApp.Folder, "functions.metadata")), $"No function app at {FunctionApp.Folder}: build src/Shipyard.Functions first.");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(FunctionApp.FuncHost, "start-host.sh"));
        start.ArgumentList.Add(FunctionApp.Folder);
        start.ArgumentList.Add(LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["AZURITE_BIN_DIR"] = Path.Combine(RepoPaths.NodeModules, ".bin");
        start.Environment["AZURITE_BLOB_PORT"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["AZURITE_QUEUE_PORT"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("AzureWebJobsStorage");
        start.Environment["DRIFT_SCHEDULE"] = DriftSchedule;
        start.Environment["DRIFT_MIN_ROWS"] = "1";
        start.Environment["Shipyard__ModelsPath"] = RepoPaths.Models;
        start.Environment["Shipyard__PredictionLogSampleRate"] = "1.0";
        start.Environment["APPLICATIONINSIGHTS_CONNECTION_STRING"] = Telemetry.ConnectionString;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"start-host.sh failed ({process.ExitCode}):\n{await stderr}");
        _exports = ParseExports(output);
        Client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var storage = new ConfigurationBuilder().AddInMemoryCollection([new("AzureWebJobsStorage", StorageConnection)]).Build();
        var selected = StorageFactory.Select(storage);
        Blobs = selected.CreateBlobStore();
        Queues = selected.CreateMessageQueue();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Telemetry.Dispose();
        if (!_exports.TryGetValue("FUNCHOST_RUN_DIR", out var runDir))
        {
            return;
        }

        var stop = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        stop.ArgumentList.Add(Path.Combine(FunctionApp.FuncHost, "stop-host.sh"));
        stop.ArgumentList.Add(runDir);
        using var process = Process.Start(stop)!;
        await process.WaitForExitAsync();
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value, or fails with the host log after <paramref name="limit"/>.</summary>
    public async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan limit, string what)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{what} did not happen within {limit.TotalSeconds:0} s. Host log tail:\n{Tail(HostLog, 6000)}");
        return null!;
    }

    /// <summary>`export NAME=value` lines (value bare, 'single' or "double" quoted) as a dictionary.</summary>
    internal static Dictionary<string, string> ParseExports(string output)
    {
        var exports = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith("export ", StringComparison.Ordinal) || eq < 0)
            {
                continue;
            }

            var name = line["export ".Length..eq];
            var value = line[(eq + 1)..];
            if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("'\\''", "'", StringComparison.Ordinal);
            }

            exports[name] = value;
        }

        return exports;
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];
}
