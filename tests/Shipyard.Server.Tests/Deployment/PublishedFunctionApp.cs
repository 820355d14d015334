using System.Diagnostics;
using System.Text;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>
/// The function package as azd builds it (azure.yaml, service "functions", `language: dotnet`): a Release publish of
/// Shipyard.Functions into a temporary folder, made once for the test class.
/// </summary>
public sealed class PublishedFunctionApp : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"shipyard-publish-{Guid.NewGuid():N}");

    /// <summary>dotnet publish's output, for assertion messages.</summary>
    public string Log { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DeploymentFiles.FunctionProject,
        };
        foreach (var argument in new[]
                 {
                     "publish", "Shipyard.Functions.csproj", "-c", "Release", "-o", Folder, "-nologo",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish within {PublishTimeout}.{Environment.NewLine}{output}");
        }

        await Task.WhenAll(stdout, stderr);
        Log = output.ToString();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed with exit code {process.ExitCode}:{Environment.NewLine}{Log}");
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (sink)
            {
                sink.AppendLine(line);
            }
        }
    }
}
