using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Cli.Tests.Models;

/// <summary>`shipyard models` on Azure Blob storage: a real Azurite, selected by <c>--connection-string</c> or, as on a
/// server, by the <c>AzureWebJobsStorage</c> environment variable.</summary>
public sealed class ModelsCommandsAzuriteTests(AzuriteFixture azurite) : ModelsCommandsTests, IClassFixture<AzuriteFixture>
{
    private readonly AzureBlobStore _store = new(StorageConnection.Parse(azurite.ConnectionString));

    protected override string[] StoreArgs => ["--connection-string", azurite.ConnectionString];

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task List_AzureWebJobsStorageFromEnvironment_SelectsAzuriteAndNeverPrintsTheKey()
    {
        var name = TestPackages.UniqueName();
        var push = await RunAsync(["models", "push", "--path", TestPackages.Copy(Packages, name, "1")]);
        Assert.True(push.ExitCode == 0, push.Error);

        // A separate process, configured only through the environment, as the server is.
        var result = await Drift.CliRunner.ProcessAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString },
            "models", "list", "--models-path", Bundled);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"store:   Azure Blob storage {azurite.BlobEndpoint} (shared key)", result.Output, StringComparison.Ordinal);
        Assert.Contains(result.Output.Split('\n'), line => line.Contains(name, StringComparison.Ordinal) && line.Contains("ready", StringComparison.Ordinal));
        Assert.DoesNotContain(AzuriteFixture.AccountKey, result.Output + result.Error + push.Output + push.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_BadKeyInConnectionString_ErrorWithoutTheKey()
    {
        var badKey = Convert.ToBase64String(new byte[64]);
        var connection = azurite.ConnectionString.Replace(AzuriteFixture.AccountKey, badKey, StringComparison.Ordinal);

        var root = new System.CommandLine.RootCommand { Shipyard.Cli.Commands.ModelsCommands.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(["models", "list", "--connection-string", connection, "--models-path", Bundled])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: the store could not be used:", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(badKey, output.ToString() + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_StoreUnreachable_OneErrorLineNoStackTrace()
    {
        var port = LoopbackPorts.Free(); // nothing listens there
        var connection = azurite.ConnectionString.Replace($":{azurite.BlobPort}/", $":{port}/", StringComparison.Ordinal);

        var root = new System.CommandLine.RootCommand { Shipyard.Cli.Commands.ModelsCommands.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(["models", "list", "--connection-string", connection, "--models-path", Bundled])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the store could not be used: Connection refused", line, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, output.ToString() + error, StringComparison.Ordinal);
    }
}
