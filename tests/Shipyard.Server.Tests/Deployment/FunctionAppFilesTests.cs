using System.Text.Json.Nodes;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>host.json and local.settings.sample.json: valid for the Functions host (SchemaStore schemas).</summary>
public sealed class FunctionAppFilesTests
{
    [Fact]
    public async Task HostJson_ValidatesAgainstSchema()
    {
        var result = await JsonSchemaValidator.ValidateFileAsync(DeploymentFiles.Schema("host.json.schema.json"), DeploymentFiles.HostJson);

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void HostJson_IsForAnIsolatedWorker_WithRoutesFromTheRoot()
    {
        var host = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.HostJson))!;

        Assert.Equal("2.0", (string?)host["version"]);

        // A .NET isolated worker: no custom handler section, no extension bundle (the Worker SDK builds the extensions in).
        Assert.Null(host["customHandler"]);
        Assert.Null(host["extensionBundle"]);
        Assert.Equal(string.Empty, (string?)host["extensions"]?["http"]?["routePrefix"]);
    }

    [Fact]
    public async Task LocalSettingsSample_ValidatesAgainstSchema()
    {
        var result = await JsonSchemaValidator.ValidateFileAsync(
            DeploymentFiles.Schema("local.settings.json.schema.json"), DeploymentFiles.LocalSettingsSample);

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void LocalSettingsSample_RunsTheIsolatedWorkerAgainstAzuriteWithStringValues()
    {
        var values = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.LocalSettingsSample))!["Values"]!.AsObject();

        Assert.Equal("dotnet-isolated", (string?)values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", (string?)values["AzureWebJobsStorage"]);
        // The host reads Values as environment variables: strings only.
        Assert.All(values, v => Assert.Equal(System.Text.Json.JsonValueKind.String, v.Value?.GetValueKind()));
    }
}
