using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Models;
using Shipyard.Models.Internals;
using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Testing;
using Shipyard.Tests.Onnx.Models;
using Xunit;

namespace Shipyard.Tests.Models;

/// <summary>
/// A model whose weight is stored as ONNX external data (<c>data_location = EXTERNAL</c>) makes ONNX Runtime read a file
/// into the graph: y = x · W with W read from <c>location</c>, so predicting x = 1 returns the file's first four bytes as a
/// float. Uploaded packages may not do that at all; bundled packages only with files inside their own folder.
/// </summary>
public class ExternalDataTests
{
    private static readonly byte[] Secret = BitConverter.GetBytes(1234.5f);

    [Fact]
    public void Find_BundledModels_HaveNoExternalData()
    {
        foreach (var model in Directory.GetFiles(RepoPaths.Models, "model.onnx", SearchOption.AllDirectories))
        {
            Assert.Empty(OnnxExternalData.Find(File.ReadAllBytes(model)));
        }
    }

    [Fact]
    public void Find_ExternalInitializer_NamesTensorAndLocation()
    {
        var found = Assert.Single(OnnxExternalData.Find(Model("secret.bin")));

        Assert.Equal(new ExternalDataReference("W", "secret.bin"), found);
    }

    [Fact]
    public void Find_TruncatedModel_ThrowsFormatException()
    {
        var model = Model("secret.bin");

        Assert.Throws<FormatException>(() => OnnxExternalData.Find(model.AsSpan(0, model.Length - 3)));
    }

    [Fact]
    public async Task UploadVersionAsync_ExternalData_IsRefusedNamingTheTensorAndWritesNothing()
    {
        await using var world = await TestWorld.StartAsync([]);

        var ex = await Assert.ThrowsAsync<PackageInvalidException>(() => world.Registry.UploadVersionAsync("leak", "1", Zip(Model("secret.bin"))));

        Assert.Contains(ex.Errors, e => e.StartsWith("model.onnx keeps tensor 'W' in an external file ('secret.bin'), which uploaded packages may not do", StringComparison.Ordinal));
        Assert.Null(await world.Store.GetPropertiesAsync(ModelRegistry.Container, "leak/1/model.json"));
    }

    [Fact]
    public async Task Load_StorePackageWithExternalData_FailsTheVersion()
    {
        await using var world = await TestWorld.StartAsync([], start: false);
        var model = Model("secret.bin");
        await world.Store.CreateContainerIfNotExistsAsync(ModelRegistry.Container);
        await world.Store.UploadAsync(ModelRegistry.Container, "leak/1/model.onnx", model);
        await world.Store.UploadTextAsync(ModelRegistry.Container, "leak/1/model.json", Manifest(model).ToJsonString());

        await world.Registry.StartAsync();

        var version = Assert.Single(world.Registry.Find("leak")!.Versions);
        Assert.Equal(ModelVersionState.Failed, version.State);
        Assert.Contains("external file ('secret.bin')", version.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_BundledPackageWithExternalDataInItsFolder_ScoresWithIt()
    {
        await using var world = await TestWorld.StartAsync([], start: false);
        var folder = Bundle(world, "secret.bin");
        File.WriteAllBytes(Path.Combine(folder, "secret.bin"), Secret);

        await world.Registry.StartAsync();

        using var lease = world.Registry.Acquire("leak", "1");
        var prediction = Assert.IsType<RegressionPrediction>(Assert.Single(ModelScorer.Score(lease, InstanceValidator.Validate(lease.Manifest, Instance()))));
        Assert.Equal(1234.5, prediction.Value);
    }

    [Fact]
    public async Task Load_BundledPackageWithALinkLeadingOutOfItsFolder_FailsTheVersion()
    {
        await using var world = await TestWorld.StartAsync([], start: false);
        var folder = Bundle(world, "secret.bin");
        File.WriteAllBytes(Path.Combine(world.ModelsPath, "outside.bin"), Secret);
        File.CreateSymbolicLink(Path.Combine(folder, "secret.bin"), Path.Combine(world.ModelsPath, "outside.bin"));

        await world.Registry.StartAsync();

        var version = Assert.Single(world.Registry.Find("leak")!.Versions);
        Assert.Equal(ModelVersionState.Failed, version.State);
        Assert.Contains("model.onnx keeps tensor 'W' in 'secret.bin', outside the package folder", version.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../secret.bin")]
    [InlineData("/etc/hostname")]
    [InlineData("secret\0.bin")]
    public async Task Load_BundledPackageWithExternalDataOutsideItsFolder_FailsTheVersion(string location)
    {
        await using var world = await TestWorld.StartAsync([], start: false);
        Bundle(world, location);
        File.WriteAllBytes(Path.Combine(world.ModelsPath, "secret.bin"), Secret);

        await world.Registry.StartAsync();

        var version = Assert.Single(world.Registry.Find("leak")!.Versions);
        Assert.Equal(ModelVersionState.Failed, version.State);
        Assert.Contains($"model.onnx keeps tensor 'W' in '{location}', outside the package folder", version.Error, StringComparison.Ordinal);
    }

    private static System.Text.Json.JsonElement Instance() => System.Text.Json.JsonSerializer.SerializeToElement(new[] { new { x = 1.0 } });

    private static string Bundle(TestWorld world, string location)
    {
        var folder = Directory.CreateDirectory(Path.Combine(world.ModelsPath, "leak", "1")).FullName;
        var model = Model(location);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model);
        File.WriteAllText(Path.Combine(folder, "model.json"), Manifest(model).ToJsonString());
        return folder;
    }

    private static byte[] Model(string location) =>
        new OnnxModelBuilder { GraphName = "leak" }
            .Input("x", TensorElementType.Float, "N", 1)
            .ExternalFloatInitializer("W", location, 1, 1)
            .Node("MatMul", ["x", "W"], ["y"])
            .Output("y", TensorElementType.Float, "N", 1)
            .Build();

    private static JsonObject Manifest(byte[] model) => new()
    {
        ["name"] = "leak",
        ["version"] = "1",
        ["task"] = "regression",
        ["features"] = new JsonArray(new JsonObject { ["name"] = "x", ["type"] = "float", ["required"] = true }),
        ["onnx"] = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["elementType"] = "float", ["features"] = new JsonArray("x") }),
            ["outputs"] = new JsonObject { ["value"] = "y" },
        },
        ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(model)),
    };

    private static MemoryStream Zip(byte[] model)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add("model.json", Encoding.UTF8.GetBytes(Manifest(model).ToJsonString()));
            Add("model.onnx", model);

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
