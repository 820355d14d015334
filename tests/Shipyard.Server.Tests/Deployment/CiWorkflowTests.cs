using System.Text.Json.Nodes;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>.github/workflows/ci.yml: parses, runs .ci/run on the machine it targets, and deploys only when asked.</summary>
public sealed class CiWorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(DeploymentFiles.Root, ".github", "workflows", "ci.yml");

    private static JsonObject Jobs() => YamlToJson.Convert(DeploymentFiles.Read(WorkflowPath))!["jobs"]!.AsObject();

    private static List<JsonNode> Steps(string job) => Jobs()[job]!["steps"]!.AsArray().Select(s => s!).ToList();

    [Fact]
    public void BuildTest_RunsCiRunOnDebian12WithTheSdkOfGlobalJsonAndNode20()
    {
        var job = Jobs()["build-test"]!;
        var steps = Steps("build-test");
        var ciRun = File.ReadAllText(Path.Combine(DeploymentFiles.Root, ".ci", "run"));

        // .ci/run installs Debian 12 packages (chromium among them: a snap, unusable in a container, on the Ubuntu 24.04
        // that mcr.microsoft.com/dotnet/sdk:10.0 is).
        Assert.Contains("Debian 12", ciRun, StringComparison.Ordinal);
        Assert.Equal("debian:12", (string?)job["container"]);
        Assert.Contains(steps, s => (string?)s["uses"] == "actions/setup-dotnet@v4" && (string?)s["with"]?["global-json-file"] == "global.json");
        Assert.Contains(steps, s => (string?)s["uses"] == "actions/setup-node@v4" && s["with"]?["node-version"]?.ToString() == "20");
        // The last step is exactly .ci/run: nothing installed or run besides it but the base machine.
        Assert.Equal("bash .ci/run", (string?)steps[^1]["run"]);
    }

    [Fact]
    public void Bicep_IsCheckedByTheTestsWithThePinnedCliNotASecondCopy()
    {
        var workflow = DeploymentFiles.Read(WorkflowPath);
        var project = DeploymentFiles.Read(Path.Combine(DeploymentFiles.Root, "tests", "Shipyard.Server.Tests", "Shipyard.Server.Tests.csproj"));

        Assert.DoesNotContain("az bicep", workflow, StringComparison.Ordinal);
        Assert.Contains("<PackageDownload Include=\"Azure.Bicep.CommandLine.linux-x64\"", project, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_RunsOnlyOnRequestWithAStableGpuAppKey()
    {
        var deploy = Jobs()["deploy"]!;
        var steps = string.Join("\n", Steps("deploy").Select(s => $"{(string?)s["run"]}\n{s.ToJsonString()}"));

        Assert.Equal("github.event_name == 'workflow_dispatch' && inputs.deploy", (string?)deploy["if"]);
        Assert.Equal("write", (string?)deploy["permissions"]!["id-token"]);
        Assert.Equal(["build-test", "image"], deploy["needs"]!.AsArray().Select(n => (string)n!));
        Assert.Contains("azd env config set infra.parameters.gpuAppKey \"$SHIPYARD_GPU_APP_KEY\"", steps, StringComparison.Ordinal);
        Assert.Contains("secrets.SHIPYARD_GPU_APP_KEY", steps, StringComparison.Ordinal);
        Assert.True(steps.IndexOf("infra.parameters.gpuAppKey", StringComparison.Ordinal) < steps.IndexOf("azd provision --no-prompt", StringComparison.Ordinal));
        Assert.Contains("azd deploy --no-prompt", steps, StringComparison.Ordinal);
    }
}
