using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Cli.Tests.Drift;

/// <summary>
/// `shipyard drift run` takes the same store options as `shipyard models` and opens its store through
/// <see cref="StorageFactory"/>; bad storage settings stop it with one line naming the setting, never the key.
/// </summary>
public sealed class DriftRunCommandTests : IDisposable
{
    private const string Secret = "SECRETKEY";
    private readonly string _data = Directory.CreateTempSubdirectory("shipyard-drift-run-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Run_DataPath_ChecksOnThatStoreAndWritesTheReportThere()
    {
        var result = await CliRunner.InProcessAsync("drift", "run", "--model", "breast-cancer", "--version", "1", "--models-path", RepoPaths.Models, "--data-path", _data);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"store:   file store {_data}", result.Output, StringComparison.Ordinal);
        Assert.Contains("breast-cancer v1: insufficient-data (0 records", result.Output, StringComparison.Ordinal);
        var store = new FileBlobStore(_data);
        var reports = await store.ListAsync("drift-reports", "breast-cancer/1/").Select(b => b.Name).ToListAsync();
        Assert.Contains(reports, name => name.EndsWith(".json", StringComparison.Ordinal));
        Assert.Contains(reports, name => name.EndsWith(".html", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_DataPathWinsOverAzureWebJobsStorage()
    {
        var result = await CliRunner.ProcessAsync(
            new Dictionary<string, string> { ["AzureWebJobsStorage"] = $"AccountName=shipyardsa;AccountKey={Secret}*" },
            "drift", "run", "--model", "breast-cancer", "--version", "1", "--models-path", RepoPaths.Models, "--data-path", _data);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"store:   file store {_data}", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("drift", "run", "--model", "breast-cancer", "--version", "1")]
    [InlineData("models", "list")]
    public async Task BadConnectionStringOption_OneErrorNamingTheOption_NeverTheKey(params string[] command)
    {
        var result = await CliRunner.InProcessAsync([.. command, "--models-path", RepoPaths.Models, "--connection-string", $"AccountName=shipyardsa;AccountKey={Secret}*"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --connection-string is not a usable storage connection string: Storage AccountKey is not valid base64.", result.Error.Trim());
        Assert.DoesNotContain(Secret, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", $"DefaultEndpointsProtocol=https;AccountName=shipyardsa;AccountKey={Secret}*", "error: Setting AzureWebJobsStorage is not a usable storage connection string: Storage AccountKey is not valid base64.")]
    [InlineData("AzureWebJobsStorage", $"AccountName=shipyardsa;{Secret}", "error: Setting AzureWebJobsStorage is not a usable storage connection string: Storage connection string has a part without 'name=value' (part 2).")]
    [InlineData("AzureWebJobsStorage__clientId", "00000000-0000-0000-0000-000000000001", "error: Identity-based storage connection AzureWebJobsStorage needs AzureWebJobsStorage__accountName or AzureWebJobsStorage__blobServiceUri (found only: AzureWebJobsStorage__clientId).")]
    [InlineData("AzureWebJobsStorage__blobServiceUri", "https://shipyardsa.blob.core.windows.net", "error: Identity-based storage connection AzureWebJobsStorage has a blob endpoint but no queue endpoint; set AzureWebJobsStorage__queueServiceUri (or AzureWebJobsStorage__accountName).")]
    public async Task DriftRun_BadStorageEnvironment_StopsNamingTheSetting_NeverTheKey(string variable, string value, string expected)
    {
        var result = await CliRunner.ProcessAsync(
            new Dictionary<string, string> { [variable] = value },
            "drift", "run", "--model", "breast-cancer", "--version", "1", "--models-path", RepoPaths.Models);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.Error.Trim());
        Assert.DoesNotContain(Secret, result.Output + result.Error, StringComparison.Ordinal);
    }
}
