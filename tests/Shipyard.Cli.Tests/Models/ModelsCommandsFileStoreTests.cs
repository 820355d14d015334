using Shipyard.Storage;
using Xunit;

namespace Shipyard.Cli.Tests.Models;

/// <summary>`shipyard models` on the embedded file store (<c>--data-path</c>), plus store selection rules.</summary>
public sealed class ModelsCommandsFileStoreTests : ModelsCommandsTests
{
    private readonly string _data = Directory.CreateTempSubdirectory("shipyard-cli-store-").FullName;

    public ModelsCommandsFileStoreTests()
    {
        Store = new FileBlobStore(_data);
    }

    protected override string[] StoreArgs => ["--data-path", _data];

    protected override IBlobStore Store { get; }

    [Fact]
    public async Task List_EmptyStore_NamesTheStoreFolder()
    {
        var result = await RunAsync(["models", "list", "--models-path", Bundled]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"store:   file store {_data}", result.Output, StringComparison.Ordinal);
        Assert.Contains("no models", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_DataPathAndConnectionString_Refused()
    {
        var result = await RunAsync(["models", "list", "--connection-string", "UseDevelopmentStorage=true"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --data-path and --connection-string select different stores; give one of them.", result.Error.Trim());
    }

    [Fact]
    public async Task Push_MissingFolder_RefusedNamingIt()
    {
        var missing = Path.Combine(Packages, "nope", "1");

        var result = await RunAsync(["models", "push", "--path", missing]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: path: '{missing}' is not a folder (expected models/NAME/VERSION)", result.Error.Trim());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
