using Shipyard.Onnx;

namespace Shipyard.Models.Internals;

/// <summary>Checks at load time that the ONNX graph has the inputs and outputs the manifest names, so that a mismatch
/// fails the version with a clear message instead of failing every request.</summary>
internal static class GraphCheck
{
    public static string? Describe(ModelManifest manifest, InferenceSession session)
    {
        var problems = new List<string>();
        var inputs = session.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        for (var i = 0; i < manifest.Onnx.Inputs.Count; i++)
        {
            var mapping = manifest.Onnx.Inputs[i];
            if (!inputs.TryGetValue(mapping.Name, out var node))
            {
                problems.Add($"onnx.inputs[{i}].name: the graph has no input '{mapping.Name}' (it has: {string.Join(", ", inputs.Keys)})");
                continue;
            }

            var expected = mapping.ElementType switch
            {
                OnnxElementType.Float => TensorElementType.Float,
                OnnxElementType.Double => TensorElementType.Double,
                OnnxElementType.Int64 => TensorElementType.Int64,
                OnnxElementType.Int32 => TensorElementType.Int32,
                _ => TensorElementType.String,
            };
            if (node.ValueType == OrtValueType.Tensor && node.ElementType != expected)
            {
                problems.Add($"onnx.inputs[{i}].elementType: the graph input '{mapping.Name}' is {node.ElementType}, not {mapping.ElementType}");
            }

            if (node.Dimensions.Count == 2 && node.Dimensions[1] > 0 && node.Dimensions[1] != mapping.Features.Count)
            {
                problems.Add($"onnx.inputs[{i}].features: the graph input '{mapping.Name}' takes {node.Dimensions[1]} columns, the manifest packs {mapping.Features.Count}");
            }
        }

        var outputs = session.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, name) in new[] { ("label", manifest.Onnx.Outputs.Label), ("probabilities", manifest.Onnx.Outputs.Probabilities), ("value", manifest.Onnx.Outputs.Value) })
        {
            if (name is not null && !outputs.Contains(name))
            {
                problems.Add($"onnx.outputs.{key}: the graph has no output '{name}' (it has: {string.Join(", ", outputs)})");
            }
        }

        return problems.Count == 0 ? null : "model.json does not match model.onnx: " + string.Join("; ", problems);
    }
}
