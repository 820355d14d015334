using System.Runtime.CompilerServices;
using System.Text;
using Shipyard.Models;

namespace Shipyard.Scoring.Internals;

/// <summary>Lookups derived once per manifest: feature name → index, each feature's column in a <see cref="FeatureBatch"/>,
/// and each ONNX input's feature indexes.</summary>
internal sealed class ManifestPlan
{
    private static readonly ConditionalWeakTable<ModelManifest, ManifestPlan> Cache = [];

    private ManifestPlan(ModelManifest manifest)
    {
        FeatureIndex = new Dictionary<string, int>(manifest.Features.Count, StringComparer.Ordinal);
        for (var i = 0; i < manifest.Features.Count; i++)
        {
            FeatureIndex[manifest.Features[i].Name] = i;
        }

        // The first of duplicate labels wins (the manifest parser refuses duplicates anyway).
        LabelIndex = new Dictionary<string, int>(manifest.Labels.Count, StringComparer.Ordinal);
        for (var c = manifest.Labels.Count - 1; c >= 0; c--)
        {
            LabelIndex[manifest.Labels[c]] = c;
        }

        Columns = new int[manifest.Features.Count];
        for (var i = 0; i < manifest.Features.Count; i++)
        {
            Columns[i] = manifest.Features[i].Type switch
            {
                FeatureType.Float => FloatColumns++,
                FeatureType.Int => IntColumns++,
                _ => StringColumns++,
            };
        }

        Utf8Names = manifest.Features.Select(f => Encoding.UTF8.GetBytes(f.Name)).ToArray();
        InputFeatures = [.. manifest.Onnx.Inputs.Select(input => input.Features.Select(f => FeatureIndex[f]).ToArray())];
        Categories = manifest.Features.Select(f => f.Categories is null ? null : new HashSet<string>(f.Categories, StringComparer.Ordinal)).ToArray();
        var int32 = new bool[manifest.Features.Count];
        foreach (var (input, i) in manifest.Onnx.Inputs.Select((input, i) => (input, i)))
        {
            if (input.ElementType == OnnxElementType.Int32)
            {
                foreach (var f in InputFeatures[i])
                {
                    int32[f] = true;
                }
            }
        }

        FeedsInt32 = int32;
    }

    public Dictionary<string, int> FeatureIndex { get; }

    /// <summary>Label → its class index (the position in the manifest's <c>labels</c>).</summary>
    public Dictionary<string, int> LabelIndex { get; }

    /// <summary>Per feature, its column among the features of its type (a <see cref="FeatureBatch"/> row holds one array per type).</summary>
    public int[] Columns { get; }

    /// <summary>Number of float features.</summary>
    public int FloatColumns { get; }

    /// <summary>Number of int features.</summary>
    public int IntColumns { get; }

    /// <summary>Number of string features.</summary>
    public int StringColumns { get; }

    /// <summary>Per feature, its name in UTF-8 (compared with JSON property names without making strings).</summary>
    public byte[][] Utf8Names { get; }

    /// <summary>Per ONNX input (manifest order), the manifest feature indexes packed into it.</summary>
    public int[][] InputFeatures { get; }

    /// <summary>Per feature, its category set (null when none declared).</summary>
    public HashSet<string>?[] Categories { get; }

    /// <summary>Per feature, whether it feeds an int32 input (so values must fit in 32 bits).</summary>
    public bool[] FeedsInt32 { get; }

    public static ManifestPlan For(ModelManifest manifest) => Cache.GetValue(manifest, static m => new ManifestPlan(m));
}
