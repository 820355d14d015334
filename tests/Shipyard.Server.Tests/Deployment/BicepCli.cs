using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>
/// The real Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64, fetched by the test project's PackageDownload):
/// <c>bicep build</c> (ARM JSON + diagnostics), <c>bicep lint</c>, and <c>bicep snapshot</c>, which evaluates a
/// deployment with ARM's own template engine (parameters, conditions, loops, nested modules, <c>fail()</c>) without Azure.
/// </summary>
internal static partial class BicepCli
{
    private static readonly Lazy<string> Executable = new(FindExecutable);

    /// <summary>Compiles <paramref name="bicepFile"/>; the template and every diagnostic (errors, warnings, linter rules).</summary>
    public static async Task<(JsonObject Template, IReadOnlyList<string> Diagnostics)> BuildAsync(string bicepFile)
    {
        var (exitCode, stdout, stderr) = await RunAsync("build", bicepFile, "--stdout");
        var diagnostics = Diagnostics(stderr);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"bicep build {bicepFile} failed ({exitCode}):\n{stderr}");
        }

        return (JsonNode.Parse(stdout)!.AsObject(), diagnostics);
    }

    /// <summary>Lints <paramref name="bicepFile"/>; every diagnostic it reports.</summary>
    public static async Task<IReadOnlyList<string>> LintAsync(string bicepFile)
    {
        var (_, _, stderr) = await RunAsync("lint", bicepFile);
        return Diagnostics(stderr);
    }

    /// <summary>
    /// Evaluates the deployment that <paramref name="bicepParamFile"/> describes (<c>bicep snapshot</c>): the predicted
    /// resources with every expression ARM can resolve before deployment, and the outputs. A <c>fail()</c> in the
    /// template, or any other evaluation error, comes back as <see cref="BicepEvaluationException"/> with ARM's message.
    /// </summary>
    public static async Task<JsonObject> SnapshotAsync(string bicepParamFile, string subscriptionId, string tenantId, string location)
    {
        var snapshotFile = Path.ChangeExtension(bicepParamFile, ".snapshot.json");
        File.Delete(snapshotFile);
        var (exitCode, _, stderr) = await RunAsync(
            "snapshot", bicepParamFile, "--mode", "overwrite", "--subscription-id", subscriptionId, "--tenant-id", tenantId, "--location", location);
        if (exitCode != 0 || !File.Exists(snapshotFile))
        {
            // Unhandled exception: Azure.Deployments.Core.Exceptions.ExpressionException: <message>\n   at ...
            var thrown = ExceptionMessagePattern().Match(stderr);
            throw new BicepEvaluationException(thrown.Success ? thrown.Groups["message"].Value.Trim() : stderr.Trim());
        }

        return JsonNode.Parse(await File.ReadAllTextAsync(snapshotFile))!.AsObject();
    }

    // "<file>(line,col) : Warning BCP081: ..." and "... : Error BCP037: ..." (errors, warnings and linter rules alike).
    private static List<string> Diagnostics(string stderr) =>
        stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => DiagnosticPattern().IsMatch(l)).ToList();

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry, no update checks: the CLI must not reach out from a test.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable.Value} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindExecutable()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "BicepCliPath")?.Value
            ?? throw new InvalidOperationException("The test assembly has no BicepCliPath metadata (see Shipyard.Server.Tests.csproj).");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {path}: run `dotnet restore` (PackageDownload Azure.Bicep.CommandLine.linux-x64).", path);
        }

        // NuGet extracts package files without guaranteeing the execute bit on every machine. (The package is linux-x64.)
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException($"Azure.Bicep.CommandLine.linux-x64 runs on Linux only; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.");
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | Execute);
        }

        return path;
    }

    [GeneratedRegex(@"^.+\(\d+,\d+\) : (Error|Warning|Info) [\w-]+: ")]
    private static partial Regex DiagnosticPattern();

    [GeneratedRegex(@"Exception: (?<message>[^\n]*)\n")]
    private static partial Regex ExceptionMessagePattern();
}

/// <summary>ARM's template engine refused to evaluate a deployment (a <c>fail()</c>, a bad parameter value, ...).</summary>
internal sealed class BicepEvaluationException(string message) : Exception(message);
