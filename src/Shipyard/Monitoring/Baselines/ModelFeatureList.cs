using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Monitoring.Baselines;

/// <summary>
/// Reads only <c>features[].name</c>, <c>features[].type</c> and <c>task</c> from a model.json manifest — all
/// profiling needs (the task says whether the <c>prediction</c> column holds labels or values).
/// (The full manifest type belongs to Shipyard.Models; this keeps Monitoring independent of it.)
/// </summary>
public static class ModelFeatureList
{
    private static readonly JsonSerializerOptions s_options = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The features of the manifest at <paramref name="manifestPath"/>, in manifest order.</summary>
    /// <exception cref="InvalidDataException">The manifest is not JSON, has no features, or a feature lacks a name or has an unknown type.</exception>
    public static IReadOnlyList<ProfiledFeature> Read(string manifestPath) => ReadManifest(manifestPath).Features;

    /// <summary>True when the manifest's task is a classification (predictions are labels, profiled as categories).</summary>
    public static bool IsClassifier(string manifestPath) =>
        ReadManifest(manifestPath).Task?.Contains("classification", StringComparison.OrdinalIgnoreCase) == true;

    private static (IReadOnlyList<ProfiledFeature> Features, string? Task) ReadManifest(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), s_options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{manifestPath} is not valid JSON: {ex.Message}", ex);
        }

        if (manifest?.Features is not { Count: > 0 } features)
        {
            throw new InvalidDataException($"{manifestPath} has no 'features' array.");
        }

        var result = new List<ProfiledFeature>(features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            if (string.IsNullOrWhiteSpace(feature.Name))
            {
                throw new InvalidDataException($"{manifestPath}: features[{i}] has no name.");
            }

            var type = feature.Type ?? "float";
            if (type is not ("float" or "int" or "string"))
            {
                throw new InvalidDataException($"{manifestPath}: features[{i}] ('{feature.Name}') has type '{type}'; expected float, int or string.");
            }

            result.Add(new ProfiledFeature(feature.Name, type));
        }

        return (result, manifest.Task);
    }

    private sealed record Manifest([property: JsonPropertyName("features")] List<Feature>? Features, [property: JsonPropertyName("task")] string? Task);

    private sealed record Feature([property: JsonPropertyName("name")] string? Name, [property: JsonPropertyName("type")] string? Type);
}
