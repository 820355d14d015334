using Xunit;

namespace Shipyard.Functions.Tests.Deployment;

/// <summary>.github/workflows/ci.yml: parses, runs the same entry point as local CI, and deploys only when asked.</summary>
public sealed class CiWorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(DeploymentFiles.Root, ".github", "workflows", "ci.yml");

    [Fact]
    public void Workflow_BuildsWithCiRunChecksBicepAndDeploysOnlyOnRequest()
    {
        var workflow = YamlToJson.Convert(DeploymentFiles.Read(WorkflowPath))!;
        var jobs = workflow["jobs"]!.AsObject();

        Assert.Contains("bash .ci/run", jobs["build-test"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("az bicep build", jobs["bicep"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("az bicep lint", jobs["bicep"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("github.event_name == 'workflow_dispatch' && inputs.deploy", (string?)jobs["deploy"]!["if"]);
        Assert.Equal("write", (string?)jobs["deploy"]!["permissions"]!["id-token"]);
        Assert.Contains("azd provision --no-prompt", jobs["deploy"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("azd deploy --no-prompt", jobs["deploy"]!.ToJsonString(), StringComparison.Ordinal);
    }
}
