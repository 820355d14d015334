using System.Text.Json.Nodes;
using Shipyard.Testing;

namespace Shipyard.Cli.Tests.Models;

/// <summary>Copies of the bundled breast-cancer packages under a fresh model name, so tests sharing one store
/// (one Azurite per class) never touch each other's versions. Only model.json's name changes; model.onnx and its
/// sha256 are the bundled bytes.</summary>
public static class TestPackages
{
    public static string UniqueName() => "cli-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Writes <c>{root}/{name}/{version}/</c> from <c>models/breast-cancer/{version}</c> and returns the folder.</summary>
    public static string Copy(string root, string name, string version)
    {
        var source = Path.Combine(RepoPaths.Models, "breast-cancer", version);
        var target = Path.Combine(root, name, version);
        Directory.CreateDirectory(target);
        foreach (var file in new[] { "model.onnx", "baseline.json", "samples.csv" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(target, file));
        }

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "model.json")))!;
        manifest["name"] = name;
        File.WriteAllText(Path.Combine(target, "model.json"), manifest.ToJsonString());
        return target;
    }
}
