using System.Text.Json;
using Shipyard.Models.Internals;

namespace Shipyard.Models;

/// <summary>
/// A model version's manifest (<c>model.json</c>, camelCase): what the model takes, what it returns, how it maps to
/// the ONNX graph, and the checksum of <c>model.onnx</c>. Contract: DESIGN.md §3 "Model package" and the team brief.
/// Serializes back to the same camelCase shape with any <see cref="JsonSerializerOptions"/> that use camelCase names.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>Model name: lowercase letters, digits and '-', 1–64 characters, starting with a letter or digit.</summary>
    public required string Name { get; init; }

    /// <summary>Version: a positive integer written without leading zeros ("1", "2", …).</summary>
    public required string Version { get; init; }

    /// <summary>What the model predicts.</summary>
    public required ModelTask Task { get; init; }

    /// <summary>Free text for humans.</summary>
    public string? Description { get; init; }

    /// <summary>Input features in manifest order (unique names, at least one).</summary>
    public required IReadOnlyList<FeatureSpec> Features { get; init; }

    /// <summary>What happens to instance fields not in <see cref="Features"/> (default reject).</summary>
    public UnknownFeaturePolicy UnknownFeatures { get; init; } = UnknownFeaturePolicy.Reject;

    /// <summary>What happens to values outside a feature's min/max or categories (default allow; see <see cref="RangePolicy"/>).</summary>
    public RangePolicy OutOfRange { get; init; } = RangePolicy.Allow;

    /// <summary>Feature → ONNX input and ONNX output → prediction mapping.</summary>
    public required OnnxMapping Onnx { get; init; }

    /// <summary>Class labels by class id (classifiers; empty for regressors).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Lowercase hex SHA-256 of <c>model.onnx</c>, verified before a session is created.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Session settings (device, threads, max batch).</summary>
    public RuntimeSettings Runtime { get; init; } = new();

    /// <summary>How the model was trained (dataset, code, metrics, …), kept as given.</summary>
    public JsonElement? Training { get; init; }

    /// <summary>Whether <see cref="Task"/> is a classification task.</summary>
    public bool IsClassifier => Task != ModelTask.Regression;

    /// <summary>Index of the feature named <paramref name="name"/> in <see cref="Features"/>, or -1.</summary>
    public int IndexOfFeature(string name)
    {
        for (var i = 0; i < Features.Count; i++)
        {
            if (string.Equals(Features[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Parses and validates a manifest. Every problem found is reported, each naming its field
    /// (<c>features[3].type: expected float, int or string</c>).
    /// </summary>
    /// <param name="utf8Json">The bytes of <c>model.json</c> (UTF-8, BOM allowed).</param>
    /// <returns>The validated manifest, with defaults filled in.</returns>
    /// <exception cref="ManifestException">The JSON is malformed or breaks the contract.</exception>
    public static ModelManifest Parse(ReadOnlySpan<byte> utf8Json) => ManifestParser.Parse(utf8Json);

    /// <summary>Checks that <paramref name="name"/> is a valid model name (see <see cref="Name"/>).</summary>
    public static bool IsValidName(string? name) => ManifestParser.IsValidName(name);

    /// <summary>Checks that <paramref name="version"/> is a valid version (see <see cref="Version"/>).</summary>
    public static bool IsValidVersion(string? version) => ManifestParser.IsValidVersion(version);
}
