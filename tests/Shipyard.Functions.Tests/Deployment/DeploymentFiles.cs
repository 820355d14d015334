using Shipyard.Testing;

namespace Shipyard.Functions.Tests.Deployment;

/// <summary>Paths of the deployment artifacts the checks in this folder read.</summary>
internal static class DeploymentFiles
{
    public static string Root => RepoPaths.Root;

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    public static string HostJson => Path.Combine(Root, "host.json");

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");

    public static string FunctionProject => Path.Combine(Root, "src", "Shipyard.Functions");

    public static string FunctionsFolder => Path.Combine(FunctionProject, "functions");

    public static string Infra => Path.Combine(Root, "infra");

    public static string MainBicep => Path.Combine(Infra, "main.bicep");

    public static string MainParameters => Path.Combine(Infra, "main.parameters.json");

    public static string Module(string name) => Path.Combine(Infra, "modules", name + ".bicep");

    /// <summary>
    /// Copies of the shared JSON schemas (../shared/schemas, see Schemas/SOURCES.md), kept in the repository because CI
    /// runs on a fresh clone where the shared folder may be absent.
    /// </summary>
    public static string Schema(string fileName) =>
        Path.Combine(Root, "tests", "Shipyard.Functions.Tests", "Deployment", "Schemas", fileName);

    /// <summary>Every function.json under src/Shipyard.Functions/functions/&lt;Name&gt;/.</summary>
    public static IEnumerable<string> FunctionJsonFiles() =>
        Directory.Exists(FunctionsFolder)
            ? Directory.EnumerateFiles(FunctionsFolder, "function.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    public static string Read(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"Deployment file '{path}' is missing.", path);
}
