using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shipyard.Cli.Commands;
using Shipyard.Cli.Tests.Drift;
using Shipyard.Models;
using Shipyard.Storage;
using Xunit;

namespace Shipyard.Cli.Tests.Models;

/// <summary>
/// `shipyard models` against a real store (the file store and Azurite run the same tests). Every test uses its own
/// model name (a copy of the bundled breast-cancer packages), and every command gets an empty bundled folder, so only
/// what the test pushed is visible.
/// </summary>
public abstract class ModelsCommandsTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("shipyard-cli-models-").FullName;

    protected ModelsCommandsTests()
    {
        Directory.CreateDirectory(Bundled);
    }

    /// <summary>Arguments that select the store under test.</summary>
    protected abstract string[] StoreArgs { get; }

    /// <summary>The same store, for assertions and for a "server" registry.</summary>
    protected abstract IBlobStore Store { get; }

    protected string Packages => Path.Combine(_work, "packages");

    protected string Bundled => Path.Combine(_work, "bundled");

    [Fact]
    public async Task Push_BundledPackage_ListShowsItReadyWithDefaultRouting()
    {
        var name = TestPackages.UniqueName();
        var folder = TestPackages.Copy(Packages, name, "1");

        var push = await RunAsync(["models", "push", "--path", folder]);
        var list = await RunAsync(["models", "list", "--json", "--models-path", Bundled]);
        var table = await RunAsync(["models", "list", "--models-path", Bundled]);

        Assert.True(push.ExitCode == 0, push.Error);
        Assert.Contains($"pushed {name} version 1", push.Output, StringComparison.Ordinal);
        Assert.True(list.ExitCode == 0, list.Error);
        using var json = JsonDocument.Parse(list.Output);
        var model = json.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
        var version = Assert.Single(model.GetProperty("versions").EnumerateArray());
        Assert.Equal("1", version.GetProperty("version").GetString());
        Assert.Equal("ready", version.GetProperty("state").GetString());
        Assert.Equal("store", version.GetProperty("source").GetString());
        Assert.Equal("binary-classification", version.GetProperty("task").GetString());
        Assert.Equal(Sha256Of(Path.Combine(folder, "model.onnx")), version.GetProperty("sha256").GetString());
        Assert.Equal("1", model.GetProperty("routing").GetProperty("production").GetString());
        Assert.Equal(JsonValueKind.Null, model.GetProperty("routing").GetProperty("canary").ValueKind);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains(table.Output.Split('\n'), line => line.Contains(name, StringComparison.Ordinal) && line.Contains("ready", StringComparison.Ordinal) && line.Contains("production", StringComparison.Ordinal));
        foreach (var file in ModelPackage.FileNames)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, file)), await Store.ReadAllBytesAsync(ModelRegistry.Container, $"{name}/1/{file}"));
        }
    }

    [Fact]
    public async Task Push_SameVersionTwice_RefusedAndNothingOverwritten()
    {
        var name = TestPackages.UniqueName();
        var folder = TestPackages.Copy(Packages, name, "1");
        var first = await RunAsync(["models", "push", "--path", folder]);
        Assert.True(first.ExitCode == 0, first.Error);
        var before = await SnapshotAsync(name);

        // Same version, different (still valid) content: a second push must not replace a single byte.
        await File.WriteAllTextAsync(Path.Combine(folder, "baseline.json"), "{}");
        var second = await RunAsync(["models", "push", "--path", folder]);

        Assert.Equal(1, second.ExitCode);
        Assert.Equal($"error: version: {name} version 1 already exists in the store; versions are immutable, give the package a new version", second.Error.Trim());
        Assert.Equal(before, await SnapshotAsync(name));
    }

    [Fact]
    public async Task Push_TamperedModel_RefusedNamingTheChecksumAndNothingUploaded()
    {
        var name = TestPackages.UniqueName();
        var folder = TestPackages.Copy(Packages, name, "1");
        var onnx = Path.Combine(folder, "model.onnx");
        var bytes = await File.ReadAllBytesAsync(onnx);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(onnx, bytes);

        var push = await RunAsync(["models", "push", "--path", folder]);

        Assert.Equal(1, push.ExitCode);
        var manifestSha = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(folder, "model.json"))).RootElement.GetProperty("sha256").GetString();
        Assert.Equal($"error: model.json sha256: {manifestSha} does not match model.onnx, which hashes to {Sha256Of(onnx)}", push.Error.Trim());
        Assert.Empty(await SnapshotAsync(name));
    }

    [Fact]
    public async Task Push_AfterInterruptedPushOfTheSamePackage_Completes()
    {
        var name = TestPackages.UniqueName();
        var folder = TestPackages.Copy(Packages, name, "1");
        await Store.CreateContainerIfNotExistsAsync(ModelRegistry.Container);
        await Store.UploadAsync(ModelRegistry.Container, $"{name}/1/model.onnx", await File.ReadAllBytesAsync(Path.Combine(folder, "model.onnx")));

        var push = await RunAsync(["models", "push", "--path", folder]);

        Assert.True(push.ExitCode == 0, push.Error);
        Assert.Equal(ModelPackage.FileNames.Select(f => $"{name}/1/{f}").Order(StringComparer.Ordinal), (await SnapshotAsync(name)).Keys);
    }

    [Fact]
    public async Task Push_OverForeignPartialVersion_RefusedAndForeignFileKept()
    {
        var name = TestPackages.UniqueName();
        var folder = TestPackages.Copy(Packages, name, "1");
        await Store.CreateContainerIfNotExistsAsync(ModelRegistry.Container);
        await Store.UploadAsync(ModelRegistry.Container, $"{name}/1/model.onnx", "someone else's model"u8.ToArray());
        var before = await SnapshotAsync(name);

        var push = await RunAsync(["models", "push", "--path", folder]);

        Assert.Equal(1, push.ExitCode);
        Assert.Equal(
            $"error: version: {name} version 1 is incomplete in the store and its model.onnx differs from this package (another upload of this version is running, or an interrupted one left it); versions are immutable, give the package a new version",
            push.Error.Trim());
        Assert.Equal(before, await SnapshotAsync(name));
    }

    [Fact]
    public async Task Push_OverForeignFileThisPackageLacks_RefusedAndNothingPublished()
    {
        var name = TestPackages.UniqueName();
        var folder = TestPackages.Copy(Packages, name, "1");
        File.Delete(Path.Combine(folder, "samples.csv"));
        await Store.CreateContainerIfNotExistsAsync(ModelRegistry.Container);
        await Store.UploadAsync(ModelRegistry.Container, $"{name}/1/samples.csv", "from,another,upload\n"u8.ToArray());

        var push = await RunAsync(["models", "push", "--path", folder]);

        Assert.Equal(1, push.ExitCode);
        Assert.Equal(
            $"error: version: {name} version 1 is incomplete in the store and holds a samples.csv this package does not have (another upload of this version is running, or an interrupted one left it); versions are immutable, give the package a new version",
            push.Error.Trim());
        Assert.DoesNotContain($"{name}/1/model.json", (await SnapshotAsync(name)).Keys);
    }

    [Fact]
    public async Task Push_ManifestNameDiffersFromFolder_Refused()
    {
        var name = TestPackages.UniqueName();
        var folder = TestPackages.Copy(Packages, name, "1");
        var renamed = Path.Combine(Packages, name + "-x", "1");
        Directory.CreateDirectory(Path.GetDirectoryName(renamed)!);
        Directory.Move(folder, renamed);

        var push = await RunAsync(["models", "push", "--path", renamed]);

        Assert.Equal(1, push.ExitCode);
        Assert.Equal($"error: model.json name: '{name}' does not match the model in the folder path, '{name}-x'", push.Error.Trim());
        Assert.Empty(await SnapshotAsync(name + "-x"));
    }

    [Fact]
    public async Task RoutingCommands_WriteWhatTheAdminApiWrites_AndTheServerPicksItUp()
    {
        // Model A is changed by the CLI, model B (identical packages) by the registry methods the admin API calls.
        var a = TestPackages.UniqueName();
        var b = TestPackages.UniqueName();
        foreach (var (model, version) in new[] { (a, "1"), (a, "2"), (b, "1"), (b, "2") })
        {
            var push = await RunAsync(["models", "push", "--path", TestPackages.Copy(Packages, model, version)]);
            Assert.True(push.ExitCode == 0, push.Error);
        }

        await using var server = await StartServerRegistryAsync();
        var steps = new (string[] Cli, Func<Task> Admin, ModelRouting Expected)[]
        {
            (["promote", a, "1"], () => server.PromoteAsync(b, "production", "1"),
                new() { Production = "1", History = ["2"] }),
            (["canary", a, "2", "--percent", "25"], () => server.SetRoutingAsync(b, server.GetRouting(b) with { Canary = new CanaryRoute("2", 25) }),
                new() { Production = "1", Canary = new CanaryRoute("2", 25), History = ["2"] }),
            (["shadow", a, "2"], () => server.PromoteAsync(b, "shadow", "2"),
                new() { Production = "1", Canary = new CanaryRoute("2", 25), Shadow = "2", History = ["2"] }),
            (["shadow", a, "--off"], () => server.SetRoutingAsync(b, server.GetRouting(b) with { Shadow = null }),
                new() { Production = "1", Canary = new CanaryRoute("2", 25), History = ["2"] }),
            (["promote", a, "2"], () => server.PromoteAsync(b, "production", "2"),
                new() { Production = "2", History = ["2", "1"] }),
            (["rollback", a], () => server.RollbackAsync(b),
                new() { Production = "1", History = ["2"] }),
        };

        foreach (var (cli, admin, expected) in steps)
        {
            var result = await RunAsync(["models", .. cli, "--models-path", Bundled]);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', cli)}: {result.Error}");
            await admin();

            var written = await Store.ReadAllBytesAsync(ModelRegistry.Container, $"{a}/routing.json");
            Assert.Equal(expected.ToUtf8Json(), written);
            Assert.Equal(await Store.ReadAllBytesAsync(ModelRegistry.Container, $"{b}/routing.json"), written);

            // The running server sees the CLI's change at its next poll.
            await server.RefreshAsync();
            Assert.Equal(expected.ToUtf8Json(), server.GetRouting(a).ToUtf8Json());
            using var lease = server.Acquire(a, server.GetRouting(a).Production!);
        }
    }

    [Fact]
    public async Task Promote_RoutingChangedConcurrently_FailsWithConflictAndKeepsTheOtherChange()
    {
        var name = TestPackages.UniqueName();
        foreach (var version in new[] { "1", "2" })
        {
            Assert.Equal(0, (await RunAsync(["models", "push", "--path", TestPackages.Copy(Packages, name, version)])).ExitCode);
        }

        await using var server = await StartServerRegistryAsync();
        Assert.Equal(0, (await RunAsync(["models", "promote", name, "2", "--models-path", Bundled])).ExitCode);
        await server.RefreshAsync();

        // The server's admin sets a shadow after the CLI read routing.json and before the CLI writes its promotion.
        var result = await RunAsync(["models", "promote", name, "1", "--models-path", Bundled],
            store => new RacingBlobStore(store, () => server.PromoteAsync(name, "shadow", "1")));

        Assert.Equal(CommandErrors.Conflict, result.ExitCode);
        Assert.Equal(
            $"error: The routing of model '{name}' was changed by someone else while this change was being made; re-read it and try again. Nothing was changed by this command; run it again.",
            result.Error.Trim());
        Assert.Equal(new ModelRouting { Production = "2", Shadow = "1" }.ToUtf8Json(),
            await Store.ReadAllBytesAsync(ModelRegistry.Container, $"{name}/routing.json"));

        // Run again: it now applies on top of the other change, which is kept.
        var retry = await RunAsync(["models", "promote", name, "1", "--models-path", Bundled]);
        Assert.True(retry.ExitCode == 0, retry.Error);
        Assert.Equal(new ModelRouting { Production = "1", Shadow = "1", History = ["2"] }.ToUtf8Json(),
            await Store.ReadAllBytesAsync(ModelRegistry.Container, $"{name}/routing.json"));
    }

    [Fact]
    public async Task Rollback_NoHistory_RefusedAndRoutingUntouched()
    {
        var name = TestPackages.UniqueName();
        Assert.Equal(0, (await RunAsync(["models", "push", "--path", TestPackages.Copy(Packages, name, "1")])).ExitCode);

        var result = await RunAsync(["models", "rollback", name, "--models-path", Bundled]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: Model '{name}' has no previous production version to roll back to.", result.Error.Trim());
        Assert.Null(await Store.GetPropertiesAsync(ModelRegistry.Container, $"{name}/routing.json"));
    }

    [Fact]
    public async Task Promote_UnknownVersion_RefusedNamingIt()
    {
        var name = TestPackages.UniqueName();
        Assert.Equal(0, (await RunAsync(["models", "push", "--path", TestPackages.Copy(Packages, name, "1")])).ExitCode);

        var result = await RunAsync(["models", "promote", name, "7", "--models-path", Bundled]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: Version '7' of model '{name}' was not found.", result.Error.Trim());
    }

    [Theory]
    [InlineData(new[] { "promote", "../etc", "1" }, "error: NAME '../etc' is not a valid model name (lowercase letters, digits and '-', 1-64 characters).")]
    [InlineData(new[] { "promote", "breast-cancer", "01" }, "error: VERSION '01' is not a valid version (a positive integer without leading zeros, such as 1).")]
    [InlineData(new[] { "canary", "breast-cancer", "2", "--percent", "150" }, "error: --percent 150 is out of range; give a number from 0 to 100.")]
    [InlineData(new[] { "shadow", "breast-cancer" }, "error: Give a VERSION, or --off to remove it.")]
    [InlineData(new[] { "shadow", "breast-cancer", "2", "--off" }, "error: Give either VERSION or --off, not both.")]
    public async Task RoutingCommands_BadArguments_RefusedBeforeTouchingTheStore(string[] args, string expected)
    {
        var result = await RunAsync(["models", .. args, "--models-path", Bundled]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.Error.Trim());
    }

    protected async Task<CliRunner.Result> RunAsync(string[] args, Func<IBlobStore, IBlobStore>? decorateStore = null)
    {
        var root = new RootCommand { ModelsCommands.Create(decorateStore) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse([.. args, .. StoreArgs]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CliRunner.Result(exitCode, output.ToString(), error.ToString());
    }

    private async Task<ModelRegistry> StartServerRegistryAsync()
    {
        var registry = new ModelRegistry(Store, Options.Create(new ShipyardOptions { ModelsPath = Bundled, RegistryPollInterval = TimeSpan.Zero }));
        await registry.StartAsync();
        return registry;
    }

    /// <summary>Every blob of the model: name → (ETag, SHA-256 of the content).</summary>
    private async Task<SortedDictionary<string, string>> SnapshotAsync(string name)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await Store.CreateContainerIfNotExistsAsync(ModelRegistry.Container);
        await foreach (var blob in Store.ListAsync(ModelRegistry.Container, name + "/"))
        {
            var content = await Store.ReadAllBytesAsync(ModelRegistry.Container, blob.Name);
            snapshot[blob.Name] = blob.ETag + " " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        }

        return snapshot;
    }

    private static string Sha256Of(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}
