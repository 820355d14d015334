using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Models;

public class ModelRegistryTests
{
    [Fact]
    public async Task StartAsync_BundledModels_LoadsEveryVersionWithBundledRouting()
    {
        await using var world = await TestWorld.StartAsync();

        var bc = world.Registry.Find("breast-cancer")!;
        Assert.True(world.Registry.IsReady);
        Assert.Equal(["1", "2"], bc.Versions.Select(v => v.Version));
        Assert.All(bc.Versions, v => Assert.Equal(ModelVersionState.Ready, v.State));
        Assert.All(bc.Versions, v => Assert.Equal(ModelSource.Bundled, v.Source));
        Assert.Equal("1", bc.Routing.Production);
        Assert.Equal(new CanaryRoute("2", 10), bc.Routing.Canary);
        Assert.Contains("diabetes", world.Registry.List().Select(m => m.Name));
    }

    [Fact]
    public async Task FindManifest_VersionOrProduction_SameManifestAsTheSnapshot()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"]);
        var bc = world.Registry.Find("breast-cancer")!;

        Assert.Same(bc.Versions.Single(v => v.Version == "2").Manifest, world.Registry.FindManifest("breast-cancer", "2"));
        Assert.Same(bc.Versions.Single(v => v.Version == bc.Routing.Production).Manifest, world.Registry.FindManifest("breast-cancer", null));
        Assert.Equal("1", world.Registry.FindManifest("breast-cancer", null)!.Version);
        Assert.Null(world.Registry.FindManifest("breast-cancer", "9"));
        Assert.Null(world.Registry.FindManifest("no-such-model", null));
    }

    [Fact]
    public async Task StartAsync_WhileAVersionLoads_PublishesItAsLoadingAndNotReady()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer", "diabetes"], start: false);
        // model.onnx as a named pipe: reading it blocks until the test writes the bytes, holding diabetes in Loading.
        var onnx = Path.Combine(world.ModelsPath, "diabetes", "1", "model.onnx");
        var bytes = File.ReadAllBytes(onnx);
        File.Delete(onnx);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", onnx))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var start = world.Registry.StartAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (world.Registry.LoadingModels() is not ["diabetes"] && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.False(world.Registry.IsReady);
        Assert.Equal(["diabetes"], world.Registry.LoadingModels());
        Assert.Equal(ModelVersionState.Loading, Assert.Single(world.Registry.Find("diabetes")!.Versions).State);
        var ex = Assert.Throws<ModelNotReadyException>(() => world.Registry.Acquire("diabetes", "1"));
        Assert.Equal("Version '1' of model 'diabetes' is not ready: it is still loading", ex.Message);

        await File.WriteAllBytesAsync(onnx, bytes);
        await start;

        Assert.True(world.Registry.IsReady);
        Assert.Empty(world.Registry.LoadingModels());
        using var lease = world.Registry.Acquire("diabetes", "1");
        Assert.Equal("1", lease.Version);
    }

    [Fact]
    public async Task StartAsync_Sha256Mismatch_FailsThatVersionOnly()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"], start: false);
        var onnx = Path.Combine(world.ModelsPath, "breast-cancer", "2", "model.onnx");
        var bytes = File.ReadAllBytes(onnx);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(onnx, bytes);

        await world.Registry.StartAsync();

        Assert.True(world.Registry.IsReady); // a failed version does not hold back readiness
        var v2 = world.Registry.Find("breast-cancer")!.Versions.Single(v => v.Version == "2");
        Assert.Equal(ModelVersionState.Failed, v2.State);
        Assert.StartsWith("sha256 mismatch: model.json says e448476d", v2.Error, StringComparison.Ordinal);
        var ex = Assert.Throws<ModelNotReadyException>(() => world.Registry.Acquire("breast-cancer", "2"));
        Assert.Contains("sha256 mismatch", ex.Message, StringComparison.Ordinal);
        using var v1 = world.Registry.Acquire("breast-cancer", "1");
        Assert.Equal("1", v1.Version);
    }

    [Fact]
    public async Task Refresh_StoreHasSameVersionAndRouting_StoreWins()
    {
        await using var world = await TestWorld.StartAsync(["diabetes"]);
        // The store's copy of diabetes v1 differs from the bundled one only in its description.
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(world.ModelsPath, "diabetes", "1", "model.json")))!;
        manifest["description"] = "from the store";
        await world.Store.UploadAsync(ModelRegistry.Container, "diabetes/1/model.onnx", File.ReadAllBytes(Path.Combine(world.ModelsPath, "diabetes", "1", "model.onnx")));
        await world.Store.UploadTextAsync(ModelRegistry.Container, "diabetes/1/model.json", manifest.ToJsonString());
        await world.Store.UploadTextAsync(ModelRegistry.Container, "diabetes/routing.json", """{"production":"1","staging":"1"}""");

        await world.Registry.RefreshAsync();

        var info = world.Registry.Find("diabetes")!;
        var v1 = Assert.Single(info.Versions);
        Assert.Equal(ModelSource.Store, v1.Source);
        Assert.Equal("from the store", v1.Manifest!.Description);
        Assert.Equal("1", info.Routing.Staging);
    }

    [Fact]
    public async Task Acquire_AfterSwap_OldLeaseKeepsWorkingUntilDisposed()
    {
        await using var world = await TestWorld.StartAsync(["diabetes"]);
        var samples = SampleData.Load("diabetes", "1");
        var old = world.Registry.Acquire("diabetes", "1");
        var dir = Path.Combine(world.ModelsPath, "diabetes", "1");
        File.SetLastWriteTimeUtc(Path.Combine(dir, "model.onnx"), DateTime.UtcNow.AddMinutes(1));

        await world.Registry.RefreshAsync();
        using var fresh = world.Registry.Acquire("diabetes", "1");

        Assert.NotSame(old.Scorer, fresh.Scorer);
        var batch = InstanceValidator.Validate(old.Manifest, samples.Instances(0, 3));
        Assert.Equal(ModelScorer.Score(fresh, batch), ModelScorer.Score(old, batch));
        old.Dispose();
        Assert.Throws<ObjectDisposedException>(() => old.Scorer);
    }

    [Fact]
    public async Task PromoteAndRollback_UnderConcurrentLoad_NoFailuresAndOnlyTheTwoVersions()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"]);
        await world.Registry.SetRoutingAsync("breast-cancer", new ModelRouting { Production = "1" });
        var instances = SampleData.Load("breast-cancer", "1").Instances(0, 2);
        using var stop = new CancellationTokenSource();
        var versions = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failures = 0;
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var r = await world.Service.PredictAsync(new PredictionRequest { Model = "breast-cancer", Instances = PredictionInstances.From(instances) });
                    versions.Add(r.Version);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        for (var i = 0; i < 25; i++)
        {
            await world.Registry.PromoteAsync("breast-cancer", "production", "2");
            await Task.Delay(2);
            await world.Registry.RollbackAsync("breast-cancer");
            // Reload sessions too: touching model.onnx swaps version 1's session while requests run on it.
            File.SetLastWriteTimeUtc(Path.Combine(world.ModelsPath, "breast-cancer", "1", "model.onnx"), DateTime.UtcNow.AddSeconds(i + 1));
            await world.Registry.RefreshAsync();
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Equal(0, failures);
        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.True(v is "1" or "2", v));
        Assert.Equal("1", world.Registry.GetRouting("breast-cancer").Production);
    }

    [Fact]
    public async Task RemoveCanaryAsync_OnlyWhileTheCanaryIsStillThatVersion()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"]);
        await world.Registry.PromoteAsync("breast-cancer", "canary", "2");

        var otherVersion = await world.Registry.RemoveCanaryAsync("breast-cancer", "1"); // decided on a routing since changed
        var kept = world.Registry.GetRouting("breast-cancer");
        var removed = await world.Registry.RemoveCanaryAsync("breast-cancer", "2");
        var after = world.Registry.GetRouting("breast-cancer");

        Assert.False(otherVersion);
        Assert.Equal("2", kept.Canary?.Version);
        Assert.True(removed);
        Assert.Null(after.Canary);
        Assert.Equal(kept.Production, after.Production);
    }

    [Fact]
    public async Task PromoteAsync_TwoRegistriesRace_SecondGetsRoutingConflict()
    {
        await using var a = await TestWorld.StartAsync(["breast-cancer"]);
        var b = new ModelRegistry(a.Store, Microsoft.Extensions.Options.Options.Create(a.Options));
        await using var _ = b;
        await b.StartAsync();

        var won = await a.Registry.PromoteAsync("breast-cancer", "production", "2");
        var ex = await Assert.ThrowsAsync<RoutingConflictException>(() => b.PromoteAsync("breast-cancer", "shadow", "2"));

        Assert.Equal("breast-cancer", ex.Model);
        Assert.Equal("2", won.Production);
        // The loser re-read the routing, so a retry succeeds and keeps the winner's change.
        var retried = await b.PromoteAsync("breast-cancer", "shadow", "2");
        Assert.Equal("2", retried.Production);
        Assert.Equal("2", retried.Shadow);
    }

    [Fact]
    public async Task PromoteAsync_ConcurrentInOneRegistry_EachEitherWinsOrConflicts()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"]);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            try
            {
                await world.Registry.PromoteAsync("breast-cancer", "staging", i % 2 == 0 ? "1" : "2");
                return true;
            }
            catch (RoutingConflictException)
            {
                return false;
            }
        })));

        Assert.Contains(true, results);
        var stored = ModelRouting.Parse(await world.Store.ReadAllBytesAsync(ModelRegistry.Container, "breast-cancer/routing.json"));
        Assert.Equal(world.Registry.GetRouting("breast-cancer").Staging, stored.Staging);
    }

    [Fact]
    public async Task RollbackAsync_AfterRestart_ReturnsToPreviousProduction()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"]);
        await world.Registry.PromoteAsync("breast-cancer", "production", "2");
        var restarted = new ModelRegistry(world.Store, Microsoft.Extensions.Options.Options.Create(world.Options));
        await using var _ = restarted;
        await restarted.StartAsync();

        var routing = await restarted.RollbackAsync("breast-cancer");

        Assert.Equal("1", routing.Production);
        Assert.Empty(routing.History);
        Assert.Null(routing.Canary);
        await Assert.ThrowsAsync<InvalidOperationException>(() => restarted.RollbackAsync("breast-cancer"));
    }

    [Fact]
    public async Task PromoteAsync_UnknownVersionOrAlias_Throws()
    {
        await using var world = await TestWorld.StartAsync(["breast-cancer"]);

        await Assert.ThrowsAsync<ModelNotFoundException>(() => world.Registry.PromoteAsync("breast-cancer", "production", "9"));
        await Assert.ThrowsAsync<ModelNotFoundException>(() => world.Registry.PromoteAsync("nope", "production", "1"));
        await Assert.ThrowsAsync<ArgumentException>(() => world.Registry.PromoteAsync("breast-cancer", "blue", "1"));
    }

    [Fact]
    public async Task UploadVersionAsync_ValidZip_StoresAndLoadsIt()
    {
        await using var world = await TestWorld.StartAsync(["diabetes"]);
        var zip = Package("diabetes", "1", m => m["version"] = "2", folder: "pkg/");

        var info = await world.Registry.UploadVersionAsync("diabetes", "2", zip);

        Assert.Equal(ModelVersionState.Ready, info.State);
        Assert.Equal(ModelSource.Store, info.Source);
        Assert.NotNull(await world.Store.GetPropertiesAsync(ModelRegistry.Container, "diabetes/2/model.onnx"));
        using var lease = world.Registry.Acquire("diabetes", "2");
    }

    [Theory]
    [InlineData("wrong-version", "model.json version: '1' does not match the version in the URL, '2'")]
    [InlineData("bad-sha", "model.json sha256: ")]
    [InlineData("zip-slip", "package: unexpected entry '../evil.sh'")]
    [InlineData("no-onnx", "package: model.onnx is missing")]
    [InlineData("not-zip", "package: not a valid zip file")]
    public async Task UploadVersionAsync_InvalidPackage_NamesTheProblemAndWritesNothing(string kind, string expectedStart)
    {
        await using var world = await TestWorld.StartAsync(["diabetes"]);
        var zip = kind switch
        {
            "wrong-version" => Package("diabetes", "1", _ => { }),
            "bad-sha" => Package("diabetes", "1", m => { m["version"] = "2"; m["sha256"] = new string('0', 64); }),
            "zip-slip" => Package("diabetes", "1", m => m["version"] = "2", extra: "../evil.sh"),
            "no-onnx" => Package("diabetes", "1", m => m["version"] = "2", skipOnnx: true),
            _ => new MemoryStream(Encoding.UTF8.GetBytes("this is not a zip")),
        };

        var ex = await Assert.ThrowsAsync<PackageInvalidException>(() => world.Registry.UploadVersionAsync("diabetes", "2", zip));

        Assert.Contains(ex.Errors, e => e.StartsWith(expectedStart, StringComparison.Ordinal));
        Assert.Null(await world.Store.GetPropertiesAsync(ModelRegistry.Container, "diabetes/2/model.json"));
    }

    [Fact]
    public async Task UploadVersionAsync_ExistingVersion_IsRejected()
    {
        await using var world = await TestWorld.StartAsync(["diabetes"]);

        var ex = await Assert.ThrowsAsync<PackageInvalidException>(() => world.Registry.UploadVersionAsync("diabetes", "1", Package("diabetes", "1", _ => { })));

        Assert.Contains("versions are immutable", ex.Message, StringComparison.Ordinal);
    }

    private static MemoryStream Package(string model, string version, Action<JsonNode> edit, string folder = "", string? extra = null, bool skipOnnx = false)
    {
        var dir = Path.Combine(RepoPaths.Models, model, version);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "model.json")))!;
        edit(manifest);
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(folder + "model.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            if (!skipOnnx)
            {
                Add(folder + "model.onnx", File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
            }

            if (extra is not null)
            {
                Add(extra, "#!/bin/sh"u8.ToArray());
            }

            void Add(string name, byte[] content)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(content);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
