using System.CommandLine;
using System.Diagnostics;
using Shipyard.Cli;

namespace Shipyard.Cli.Tests.Drift;

/// <summary>Runs the real <c>shipyard</c> command: in-process through the root command, or as a child process.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> InProcessAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ShipyardCli.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs Shipyard.Cli.dll (built next to the tests through the project reference) with <c>dotnet exec</c>.</summary>
    public static async Task<Result> ProcessAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Shipyard.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--runtimeconfig");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Shipyard.Cli.runtimeconfig.json"));
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
