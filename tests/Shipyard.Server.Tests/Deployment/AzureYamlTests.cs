using System.Text.Json;
using System.Text.Json.Nodes;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>azure.yaml: valid for azd (its published JSON schema) and wired to files that exist.</summary>
public sealed class AzureYamlTests
{
    // azd composes these extension schemas only for the azure.ai.* / microsoft.foundry hosts, which Shipyard does not use.
    private const string AzdExtensionSchemas = "https://raw.githubusercontent.com/Azure/azure-dev/main/cli/azd/extensions/";

    private static JsonObject Load() =>
        YamlToJson.Convert(DeploymentFiles.Read(DeploymentFiles.AzureYaml))?.AsObject()
        ?? throw new InvalidOperationException("azure.yaml is empty.");

    private static JsonObject Service(string name) =>
        Load()["services"]?[name]?.AsObject() ?? throw new InvalidOperationException($"azure.yaml has no service '{name}'.");

    [Fact]
    public async Task AzureYaml_ValidatesAgainstAzdSchema()
    {
        var result = await JsonSchemaValidator.ValidateAsync(
            DeploymentFiles.Schema("azure.yaml.schema.json"), Load().ToJsonString());

        Assert.True(result.IsValid, result.ToString());
        Assert.All(result.UnresolvedReferences, r => Assert.StartsWith(AzdExtensionSchemas, r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AzureYaml_ServiceWithoutHost_FailsAzdSchema()
    {
        var broken = Load();
        broken["services"]!["functions"]!.AsObject().Remove("host");

        var result = await JsonSchemaValidator.ValidateAsync(DeploymentFiles.Schema("azure.yaml.schema.json"), broken.ToJsonString());

        Assert.Contains(result.Errors, e => e.Contains("/services/functions", StringComparison.Ordinal) && e.Contains("host", StringComparison.Ordinal));
    }

    [Fact]
    public void FunctionsService_IsTheIsolatedWorkerProject_PublishedByAzd()
    {
        // The language follows the function app's Flex runtime (InfraTests.FunctionApp_RuntimeIsAFlexRuntimeAndAzureYamlDeploysItsLanguage):
        // with `language: dotnet` azd publishes the project itself, so no dist folder and no prepackage hook.
        var functions = Service("functions");
        Assert.Equal("function", (string?)functions["host"]);
        Assert.Equal("dotnet", (string?)functions["language"]);
        var project = Path.GetFullPath(Path.Combine(DeploymentFiles.Root, (string)functions["project"]!));
        Assert.Equal(DeploymentFiles.FunctionProject, project.TrimEnd(Path.DirectorySeparatorChar));
        Assert.True(File.Exists(Path.Combine(project, "Shipyard.Functions.csproj")));
        Assert.Null(functions["dist"]);
        Assert.Null(functions["hooks"]);
    }

    [Fact]
    public void GpuService_BuildsDockerfileGpuFromRepositoryRoot()
    {
        var gpu = Service("gpu");
        Assert.Equal("containerapp", (string?)gpu["host"]);
        var project = Path.Combine(DeploymentFiles.Root, (string)gpu["project"]!);
        var dockerfile = Path.GetFullPath(Path.Combine(project, (string)gpu["docker"]!["path"]!));
        var context = Path.GetFullPath(Path.Combine(project, (string)gpu["docker"]!["context"]!));

        Assert.Equal(Path.Combine(DeploymentFiles.ServerProject, "Dockerfile.gpu"), dockerfile);
        Assert.True(File.Exists(dockerfile), dockerfile);
        Assert.Equal(DeploymentFiles.Root, context.TrimEnd(Path.DirectorySeparatorChar));
    }

    [Fact]
    public void Hooks_RunScriptsThatExist()
    {
        var hooks = Load()["hooks"]!.AsObject();
        Assert.NotEmpty(hooks);
        foreach (var (hook, config) in hooks)
        {
            foreach (var shell in new[] { "posix", "windows" })
            {
                var run = (string?)config?[shell]?["run"];
                Assert.False(string.IsNullOrEmpty(run), $"hook {hook} has no {shell} command");
                Assert.True(File.Exists(Path.Combine(DeploymentFiles.Root, run)), $"hook {hook} ({shell}) runs missing '{run}'");
            }
        }
    }

    [Fact]
    public async Task PosixHookScripts_ParseWithSh()
    {
        foreach (var script in Directory.EnumerateFiles(Path.Combine(DeploymentFiles.Infra, "hooks"), "*.sh"))
        {
            var start = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add(script);
            using var process = System.Diagnostics.Process.Start(start)!;
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.True(process.ExitCode == 0, $"{script}: {errors}");
        }
    }

    [Fact]
    public void YamlToJson_ResolvesPlainScalarsLikeAzd()
    {
        var json = YamlToJson.Convert("a: true\nb: '1'\nc: 2\nd: 0.5\ne: ~\nf: \"1.20\"\ng: [x, 'y']\nh: |\n  true\n")!;

        Assert.Equal("""{"a":true,"b":"1","c":2,"d":0.5,"e":null,"f":"1.20","g":["x","y"],"h":"true\n"}""", json.ToJsonString());
        Assert.Equal(JsonValueKind.True, JsonDocument.Parse(json.ToJsonString()).RootElement.GetProperty("a").ValueKind);
    }
}
