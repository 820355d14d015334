using System.Globalization;
using System.Text.Json;
using Shipyard.Models;

namespace Shipyard.Scoring.Internals;

/// <summary>Maps KServe v2 (Open Inference Protocol) tensors to a <see cref="FeatureBatch"/> and scores back to tensors.</summary>
internal static class KServeMapper
{
    private const int MaxNesting = 8;

    /// <summary>The canonical output names to return: label / probabilities (classifiers) or value (regressors).</summary>
    public static IReadOnlyList<string> SelectOutputs(ModelManifest manifest, IReadOnlyList<InferRequestedOutput>? requested)
    {
        var available = Available(manifest);
        if (requested is null || requested.Count == 0)
        {
            return available;
        }

        var selected = new List<string>();
        var errors = new List<InputError>();
        for (var i = 0; i < requested.Count; i++)
        {
            var name = requested[i]?.Name;
            var canonical = Canonical(manifest, name);
            if (canonical is null || !available.Contains(canonical))
            {
                errors.Add(new InputError(string.Create(CultureInfo.InvariantCulture, $"outputs[{i}].name"), $"unknown output '{name}' (available: {string.Join(", ", available)})"));
            }
            else if (!selected.Contains(canonical))
            {
                selected.Add(canonical);
            }
        }

        return errors.Count > 0 ? throw new InvalidInputException(errors) : selected;
    }

    public static FeatureBatch ToBatch(ModelManifest manifest, IReadOnlyList<InferInputTensor>? inputs, ScoringLimits limits)
    {
        if (inputs is null || inputs.Count == 0)
        {
            throw new InvalidInputException("inputs", "at least one input tensor is required");
        }

        var plan = ManifestPlan.For(manifest);
        if (inputs.Count == 1 && manifest.Onnx.Inputs.Count == 1 && inputs[0].Name == manifest.Onnx.Inputs[0].Name && !plan.FeatureIndex.ContainsKey(inputs[0].Name))
        {
            return FromOnnxTensor(manifest, plan, inputs[0], limits);
        }

        return FromFeatureTensors(manifest, plan, inputs, limits);
    }

    public static IReadOnlyList<InferOutputTensor> ToTensors(RawScores scores, IReadOnlyList<string> outputs)
    {
        var tensors = new List<InferOutputTensor>(outputs.Count);
        foreach (var name in outputs)
        {
            switch (name)
            {
                case "label":
                    tensors.Add(new InferOutputTensor { Name = "label", Shape = [scores.Count], Datatype = "BYTES", Data = scores.Labels! });
                    break;
                case "probabilities":
                    tensors.Add(new InferOutputTensor { Name = "probabilities", Shape = [scores.Count, scores.Classes], Datatype = "FP32", Data = scores.Probabilities! });
                    break;
                default:
                    tensors.Add(new InferOutputTensor { Name = "value", Shape = [scores.Count, 1], Datatype = "FP32", Data = scores.Values!.Select(v => (float)v).ToArray() });
                    break;
            }
        }

        return tensors;
    }

    private static List<string> Available(ModelManifest manifest) =>
        manifest.Task == ModelTask.Regression ? ["value"]
        : manifest.Onnx.Outputs.Probabilities is null ? ["label"]
        : ["label", "probabilities"];

    private static string? Canonical(ModelManifest manifest, string? name)
    {
        var o = manifest.Onnx.Outputs;
        return name switch
        {
            "label" or "probabilities" or "value" => name,
            _ when name == o.Label => "label",
            _ when name == o.Probabilities => "probabilities",
            _ when name == o.Value => "value",
            _ => null,
        };
    }

    private static FeatureBatch FromOnnxTensor(ModelManifest manifest, ManifestPlan plan, InferInputTensor tensor, ScoringLimits limits)
    {
        var mapping = manifest.Onnx.Inputs[0];
        var width = mapping.Features.Count;
        var shape = tensor.Shape ?? [];
        if (shape.Count != 2 || shape[1] != width || shape[0] < 1)
        {
            throw new InvalidInputException("inputs[0].shape", string.Create(CultureInfo.InvariantCulture, $"expected [N, {width}] for the ONNX input '{mapping.Name}', got [{string.Join(", ", shape)}]"));
        }

        if (shape[0] > limits.MaxInstances)
        {
            throw new InvalidInputException("inputs[0].shape", string.Create(CultureInfo.InvariantCulture, $"at most {limits.MaxInstances} rows per request, got {shape[0]}"));
        }

        if (tensor.Datatype is not ("FP32" or "FP64" or "INT64" or "INT32"))
        {
            throw new InvalidInputException("inputs[0].datatype", $"expected FP32 for the ONNX input '{mapping.Name}', got {tensor.Datatype}");
        }

        var rows = (int)shape[0];
        var data = Flatten(tensor.Data, "inputs[0].data", (long)rows * width);
        var batch = new FeatureBatch(manifest, rows);
        var errors = new InstanceValidator.ErrorList(limits.MaxErrors);
        for (var r = 0; r < rows && !errors.Full; r++)
        {
            var row = batch.AddRow();
            for (var c = 0; c < width; c++)
            {
                var f = plan.InputFeatures[0][c];
                InstanceValidator.SetValue(manifest, plan, limits, manifest.Features[f], f, data[(r * width) + c], new InstanceValidator.ValuePath((r * width) + c, "inputs[0].data", true), batch, row, errors);
            }
        }

        RequireFeatures(manifest, mapping.Features, errors);
        errors.ThrowIfAny();
        return batch;
    }

    private static FeatureBatch FromFeatureTensors(ModelManifest manifest, ManifestPlan plan, IReadOnlyList<InferInputTensor> inputs, ScoringLimits limits)
    {
        var errors = new InstanceValidator.ErrorList(limits.MaxErrors);
        var columns = new List<(int Feature, List<JsonElement> Data, string Name)>();
        long rows = -1;
        for (var i = 0; i < inputs.Count; i++)
        {
            var tensor = inputs[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"inputs[{i}]");
            if (tensor?.Name is null || !plan.FeatureIndex.TryGetValue(tensor.Name, out var f))
            {
                if (manifest.UnknownFeatures == UnknownFeaturePolicy.Reject || tensor?.Name is null)
                {
                    errors.Add(path + ".name", $"unknown input '{tensor?.Name}' (expected feature names, or the ONNX input '{manifest.Onnx.Inputs[0].Name}' with shape [N, {manifest.Onnx.Inputs[0].Features.Count}])");
                }

                continue;
            }

            if (columns.Exists(c => c.Feature == f))
            {
                errors.Add(path + ".name", $"input '{tensor.Name}' given more than once");
                continue;
            }

            var shape = tensor.Shape ?? [];
            if (shape.Count is < 1 or > 2 || (shape.Count == 2 && shape[1] != 1) || shape[0] < 1)
            {
                errors.Add(path + ".shape", $"expected [N] or [N, 1] for feature '{tensor.Name}', got [{string.Join(", ", shape)}]");
                continue;
            }

            if (rows >= 0 && shape[0] != rows)
            {
                errors.Add(path + ".shape", string.Create(CultureInfo.InvariantCulture, $"has {shape[0]} rows, but inputs[0] has {rows}"));
                continue;
            }

            rows = shape[0];
            if (rows > limits.MaxInstances)
            {
                throw new InvalidInputException(path + ".shape", string.Create(CultureInfo.InvariantCulture, $"at most {limits.MaxInstances} rows per request, got {rows}"));
            }

            var expected = manifest.Features[f].Type == FeatureType.String ? "BYTES" : null;
            if (expected is not null ? tensor.Datatype != expected : tensor.Datatype is not ("FP32" or "FP64" or "INT64" or "INT32" or "INT16" or "INT8" or "UINT8"))
            {
                errors.Add(path + ".datatype", $"expected {(expected ?? "a numeric datatype (FP32, FP64, INT64, …)")} for {manifest.Features[f].Type.ToString().ToLowerInvariant()} feature '{tensor.Name}', got {tensor.Datatype}");
                continue;
            }

            columns.Add((f, Flatten(tensor.Data, path + ".data", rows), tensor.Name));
        }

        errors.ThrowIfAny();
        var batch = new FeatureBatch(manifest, (int)rows);
        for (var r = 0; r < rows; r++)
        {
            batch.AddRow();
        }

        foreach (var (f, data, name) in columns)
        {
            for (var r = 0; r < rows && !errors.Full; r++)
            {
                InstanceValidator.SetValue(manifest, plan, limits, manifest.Features[f], f, data[r], new InstanceValidator.ValuePath(r, name, true), batch, r, errors);
            }
        }

        RequireFeatures(manifest, columns.Select(c => c.Name), errors);
        errors.ThrowIfAny();
        return batch;
    }

    private static void RequireFeatures(ModelManifest manifest, IEnumerable<string> given, InstanceValidator.ErrorList errors)
    {
        var set = given.ToHashSet(StringComparer.Ordinal);
        foreach (var spec in manifest.Features)
        {
            if (spec.Required && !set.Contains(spec.Name))
            {
                errors.Add("inputs", $"missing a tensor for required feature '{spec.Name}'");
            }
        }
    }

    /// <summary>Flattens row-major data, flat or nested, checking it holds exactly <paramref name="expected"/> elements.</summary>
    private static List<JsonElement> Flatten(JsonElement data, string path, long expected)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInputException(path, $"expected an array, got {InstanceValidator.Describe(data)}");
        }

        var result = new List<JsonElement>((int)Math.Min(expected, 1 << 20));
        Add(data, 0);
        if (result.Count != expected)
        {
            throw new InvalidInputException(path, string.Create(CultureInfo.InvariantCulture, $"has {result.Count} elements, but the shape needs {expected}"));
        }

        return result;

        void Add(JsonElement element, int depth)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Array)
                {
                    if (depth >= MaxNesting)
                    {
                        throw new InvalidInputException(path, "nested more deeply than a tensor shape allows");
                    }

                    Add(item, depth + 1);
                }
                else
                {
                    if (result.Count >= expected)
                    {
                        throw new InvalidInputException(path, string.Create(CultureInfo.InvariantCulture, $"has more elements than the shape's {expected}"));
                    }

                    result.Add(item);
                }
            }
        }
    }
}
