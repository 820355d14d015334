using System.Text.Json;

namespace Shipyard.Tests.Onnx.ModelPackages;

/// <summary>
/// One bundled package (<c>models/&lt;name&gt;/&lt;version&gt;/</c>) as the verification tests need it: the manifest
/// fields that say how to feed the graph and read its outputs. Parsed here on purpose (not through the
/// domain's manifest type) so the packages are checked against the contract, not against our own reader.
/// </summary>
internal sealed class ModelPackage
{
    private ModelPackage(string directory, JsonElement manifest)
    {
        Directory = directory;
        Name = manifest.GetProperty("name").GetString()!;
        Version = manifest.GetProperty("version").GetString()!;
        Task = manifest.GetProperty("task").GetString()!;
        Sha256 = manifest.GetProperty("sha256").GetString()!;

        var input = manifest.GetProperty("onnx").GetProperty("inputs").EnumerateArray().Single();
        InputName = input.GetProperty("name").GetString()!;
        InputElementType = input.GetProperty("elementType").GetString()!;
        InputFeatures = input.TryGetProperty("features", out var packed)
            ? [.. packed.EnumerateArray().Select(f => f.GetString()!)]
            : [.. manifest.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("name").GetString()!)];

        var outputs = manifest.GetProperty("onnx").GetProperty("outputs");
        LabelOutput = outputs.TryGetProperty("label", out var label) ? label.GetString() : null;
        ProbabilitiesOutput = outputs.TryGetProperty("probabilities", out var probabilities) ? probabilities.GetString() : null;
        ValueOutput = outputs.TryGetProperty("value", out var value) ? value.GetString() : null;
        Labels = manifest.TryGetProperty("labels", out var labels)
            ? [.. labels.EnumerateArray().Select(l => l.GetString()!)]
            : [];

        var runtime = manifest.GetProperty("runtime");
        Device = runtime.GetProperty("device").GetString()!;
        DevicePolicy = runtime.TryGetProperty("devicePolicy", out var policy) ? policy.GetString()! : "require";
    }

    public string Directory { get; }

    public string Name { get; }

    public string Version { get; }

    public string Task { get; }

    public string Sha256 { get; }

    public string InputName { get; }

    public string InputElementType { get; }

    /// <summary>Feature names in the order they are packed into the input tensor's columns.</summary>
    public IReadOnlyList<string> InputFeatures { get; }

    public string? LabelOutput { get; }

    public string? ProbabilitiesOutput { get; }

    public string? ValueOutput { get; }

    public IReadOnlyList<string> Labels { get; }

    public string Device { get; }

    public string DevicePolicy { get; }

    public bool IsClassifier => Task is "binary-classification" or "multiclass-classification";

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    public string SamplesPath => Path.Combine(Directory, "samples.csv");

    /// <summary>Every <c>models/*/*/model.json</c> under <paramref name="modelsRoot"/>, as "name/version" ids.</summary>
    public static IReadOnlyList<string> Discover(string modelsRoot) =>
        [.. System.IO.Directory.EnumerateDirectories(modelsRoot)
            .SelectMany(System.IO.Directory.EnumerateDirectories)
            .Where(dir => File.Exists(Path.Combine(dir, "model.json")))
            .Select(dir => Path.GetRelativePath(modelsRoot, dir).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    public static ModelPackage Load(string modelsRoot, string id)
    {
        var directory = Path.Combine(modelsRoot, id);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "model.json")));
        return new ModelPackage(directory, manifest.RootElement.Clone());
    }
}
