using Shipyard.Testing;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>Paths of the deployment artifacts the checks in this folder read.</summary>
internal static class DeploymentFiles
{
    public static string Root => RepoPaths.Root;

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    public static string HostJson => Path.Combine(Root, "host.json");

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");

    public static string FunctionProject => Path.Combine(Root, "src", "Shipyard.Functions");

    /// <summary>functions.metadata of the function app as this test run built it (bin/&lt;configuration&gt;/net10.0).</summary>
    public static string FunctionsMetadata => Path.Combine(
        FunctionProject, "bin", new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0", "functions.metadata");

    public static string ServerProject => Path.Combine(Root, "src", "Shipyard.Server");

    public static string Infra => Path.Combine(Root, "infra");

    public static string MainBicep => Path.Combine(Infra, "main.bicep");

    public static string MainParameters => Path.Combine(Infra, "main.parameters.json");

    public static string Module(string name) => Path.Combine(Infra, "modules", name + ".bicep");

    /// <summary>
    /// Copies of the shared JSON schemas (../shared/schemas, see Schemas/SOURCES.md), kept in the repository because CI
    /// runs on a fresh clone where the shared folder may be absent.
    /// </summary>
    public static string Schema(string fileName) =>
        Path.Combine(Root, "tests", "Shipyard.Server.Tests", "Deployment", "Schemas", fileName);

    public static string Read(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"Deployment file '{path}' is missing.", path);
}
