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
    public static Task<Result> ProcessAsync(params string[] args) => ProcessAsync(new Dictionary<string, string>(), args);

    /// <summary>
    /// Runs Shipyard.Cli.dll with <paramref name="environment"/> added to this process's environment, minus the
    /// storage settings the test machine may have (so that only the test's own settings select the store).
    /// </summary>
    public static async Task<Result> ProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
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

        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase) || k == "Shipyard__DataPath").ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
