using System.Text.Json.Nodes;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests.Deployment;

/// <summary>host.json, every function.json and local.settings.sample.json: valid for the Functions host (SchemaStore schemas).</summary>
public sealed class FunctionAppFilesTests
{
    public static TheoryData<string> FunctionJsonFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in DeploymentFiles.FunctionJsonFiles())
        {
            data.Add(Path.GetRelativePath(DeploymentFiles.Root, file));
        }

        return data;
    }

    [Fact]
    public async Task HostJson_ValidatesAgainstSchema()
    {
        var result = await JsonSchemaValidator.ValidateFileAsync(DeploymentFiles.Schema("host.json.schema.json"), DeploymentFiles.HostJson);

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void HostJson_StartsShipyardAsCustomHandlerWithProxiedHttp()
    {
        var host = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.HostJson))!;

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal("Shipyard.Functions", (string?)host["customHandler"]?["description"]?["defaultExecutablePath"]);
        Assert.True((bool?)host["customHandler"]?["enableProxyingHttpRequest"]);
        Assert.Equal(string.Empty, (string?)host["extensions"]?["http"]?["routePrefix"]);
    }

    [Theory]
    [MemberData(nameof(FunctionJsonFiles))]
    public async Task FunctionJson_ValidatesAgainstSchema(string relativePath)
    {
        var result = await JsonSchemaValidator.ValidateFileAsync(
            DeploymentFiles.Schema("function.json.schema.json"), Path.Combine(DeploymentFiles.Root, relativePath));

        Assert.True(result.IsValid, $"{relativePath}: {result}");
    }

    [Fact]
    public async Task FunctionJson_UnknownAuthLevel_FailsSchema()
    {
        const string Broken = """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"everyone"}]}""";

        var result = await JsonSchemaValidator.ValidateAsync(DeploymentFiles.Schema("function.json.schema.json"), Broken);

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task LocalSettingsSample_ValidatesAgainstSchema()
    {
        var result = await JsonSchemaValidator.ValidateFileAsync(
            DeploymentFiles.Schema("local.settings.json.schema.json"), DeploymentFiles.LocalSettingsSample);

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void LocalSettingsSample_RunsCustomHandlerAgainstAzuriteWithStringValues()
    {
        var values = JsonNode.Parse(DeploymentFiles.Read(DeploymentFiles.LocalSettingsSample))!["Values"]!.AsObject();

        Assert.Equal("custom", (string?)values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", (string?)values["AzureWebJobsStorage"]);
        // The host reads Values as environment variables: strings only.
        Assert.All(values, v => Assert.Equal(System.Text.Json.JsonValueKind.String, v.Value?.GetValueKind()));
    }
}
