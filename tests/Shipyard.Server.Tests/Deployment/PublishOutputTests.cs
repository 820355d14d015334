using System.Text.Json.Nodes;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>
/// The published package is a function app the Functions host runs as a .NET isolated worker: host.json at the root,
/// the SDK-generated functions.metadata and worker.config.json, the ONNX Runtime library and the bundled models.
/// (Shipyard.Functions.Tests runs the build output under the real host.)
/// </summary>
public sealed class PublishOutputTests(PublishedFunctionApp app) : IClassFixture<PublishedFunctionApp>
{
    [Fact]
    public void Package_HasHostJsonAtRootAsInTheRepository()
    {
        var published = Path.Combine(app.Folder, "host.json");

        Assert.True(File.Exists(published), $"host.json missing from the package root.{Environment.NewLine}{app.Log}");
        Assert.Equal(File.ReadAllText(DeploymentFiles.HostJson), File.ReadAllText(published));
    }

    [Fact]
    public void Package_HasTheGeneratedFunctionsMetadata_WithEveryTrigger()
    {
        var functions = JsonNode.Parse(File.ReadAllText(Path.Combine(app.Folder, "functions.metadata")))!.AsArray()
            .Select(f => (string?)f!["name"]).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("BatchScore", functions);
        Assert.Contains("DriftCheck", functions);
        Assert.Contains("StreamScore", functions);
        Assert.Contains("Predict", functions);
    }

    [Fact]
    public void Package_HasWorkerConfigStartingTheWorkerAssembly()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(app.Folder, "worker.config.json")))!;
        var worker = (string?)config["description"]?["defaultWorkerPath"];

        Assert.Equal("Shipyard.Functions.dll", worker);
        Assert.True(File.Exists(Path.Combine(app.Folder, worker!)), $"{worker} missing from the package root");
    }

    [Fact]
    public void Package_HasOnnxRuntimeForLinuxAndTheBundledModels()
    {
        var ort = Path.Combine(app.Folder, "runtimes", "linux-x64", "native", "libonnxruntime.so");

        Assert.True(File.Exists(ort), "libonnxruntime.so (Microsoft.ML.OnnxRuntime's native library) missing from runtimes/linux-x64/native");
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(ort)[..4]);
        Assert.True(File.Exists(Path.Combine(app.Folder, "models", "breast-cancer", "1", "model.onnx")), "bundled models missing");
        Assert.False(Directory.Exists(Path.Combine(app.Folder, "models", "training")), "training code must not ship");
    }
}
