using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Testing;

public sealed class JsonSchemaValidatorTests
{
    [Fact]
    public async Task Validate_RepositoryHostJson_IsValidAgainstDraft07Schema()
    {
        var result = await JsonSchemaValidator.ValidateFileAsync("host.json.schema.json", Path.Combine(RepoPaths.Root, "host.json"));

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public async Task Validate_HostJsonWithWrongTypes_ReturnsEveryErrorWithItsPath()
    {
        var result = await JsonSchemaValidator.ValidateAsync(
            "host.json.schema.json",
            """{"version":"2.0","functionTimeout":42,"customHandler":{"enableProxyingHttpRequest":"yes"}}""");

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.StartsWith("/functionTimeout:", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("/customHandler/enableProxyingHttpRequest:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_Draft04FunctionJson_ChecksBindings()
    {
        const string valid = """{"bindings":[{"type":"queueTrigger","direction":"in","name":"msg","queueName":"score-requests","connection":"AzureWebJobsStorage"}]}""";
        const string invalid = """{"bindings":[{"type":"queueTrigger","direction":"sideways","name":"msg"}]}""";

        var ok = await JsonSchemaValidator.ValidateAsync("function.json.schema.json", valid);
        var bad = await JsonSchemaValidator.ValidateAsync("function.json.schema.json", invalid);

        Assert.True(ok.IsValid, ok.ToString());
        Assert.False(bad.IsValid);
        Assert.Contains(bad.Errors, e => e.Contains("/bindings/0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_Draft2019AzureYaml_ReadsYamlAndReportsRemoteRefs()
    {
        var yaml = Path.Combine(Path.GetTempPath(), $"azure-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(yaml, "name: shipyard\nservices:\n  api:\n    project: ./src/Shipyard.Functions\n    language: dotnet\n    host: function\n");
        var bad = Path.ChangeExtension(yaml, ".bad.yaml");
        await File.WriteAllTextAsync(bad, "services: 5\n");
        try
        {
            var ok = await JsonSchemaValidator.ValidateFileAsync("azure.yaml.schema.json", yaml);
            var wrong = await JsonSchemaValidator.ValidateFileAsync("azure.yaml.schema.json", bad);

            Assert.True(ok.IsValid, ok.ToString());
            Assert.NotEmpty(ok.UnresolvedReferences);
            Assert.Contains(wrong.Errors, e => e.Contains("name", StringComparison.Ordinal));
            Assert.Contains(wrong.Errors, e => e.StartsWith("/services:", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(yaml);
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task Validate_MalformedDocument_ThrowsWithParserMessage()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => JsonSchemaValidator.ValidateAsync("host.json.schema.json", "{not json"));

        Assert.Contains("document", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingSchema_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => JsonSchemaValidator.ValidateAsync("no-such.schema.json", "{}"));
    }
}
