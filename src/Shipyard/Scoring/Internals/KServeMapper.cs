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
            throw new InvalidInputException("inputs[0].shape", string.Create(CultureInfo.InvariantCulture, $"expected [N, {width}] for the ONNX input '{mapping.Name}', got {ShapeText(shape)}"));
        }

        if (shape[0] > limits.MaxInstances)
        {
            throw new InvalidInputException("inputs[0].shape", string.Create(CultureInfo.InvariantCulture, $"at most {limits.MaxInstances} rows per request, got {shape[0]}"));
        }

        if (tensor.Datatype is not ("FP32" or "FP64" or "INT64" or "INT32"))
        {
            throw new InvalidInputException("inputs[0].datatype", $"expected FP32 for the ONNX input '{mapping.Name}', got {Quoted(tensor.Datatype)}");
        }

        var rows = (int)shape[0];
        var data = Elements.Of(tensor, 0, (long)rows * width);
        var batch = new FeatureBatch(manifest, rows);
        var errors = new InstanceValidator.ErrorList(limits.MaxErrors);
        var given = new bool[manifest.Features.Count];
        for (var c = 0; c < width; c++)
        {
            given[plan.InputFeatures[0][c]] = true;
        }

        for (var r = 0; r < rows && !errors.Full; r++)
        {
            var row = batch.AddRow();
            for (var c = 0; c < width; c++)
            {
                var f = plan.InputFeatures[0][c];
                data.Set(manifest, plan, limits, f, (r * width) + c, new InstanceValidator.ValuePath((r * width) + c, "inputs[0].data", true), batch, row, errors);
            }
        }

        RequireFeatures(manifest, given, errors);
        errors.ThrowIfAny();
        return batch;
    }

    private static FeatureBatch FromFeatureTensors(ModelManifest manifest, ManifestPlan plan, IReadOnlyList<InferInputTensor> inputs, ScoringLimits limits)
    {
        var errors = new InstanceValidator.ErrorList(limits.MaxErrors);
        var columns = new List<(int Feature, Elements Data, string Name)>(inputs.Count);
        var given = new bool[manifest.Features.Count];
        long rows = -1;
        for (var i = 0; i < inputs.Count; i++)
        {
            var tensor = inputs[i];
            var path = new TensorPath(i); // its text built only for an error: this runs per input of every request
            if (tensor?.Name is null || !plan.FeatureIndex.TryGetValue(tensor.Name, out var f))
            {
                if (manifest.UnknownFeatures == UnknownFeaturePolicy.Reject || tensor?.Name is null)
                {
                    errors.Add(path + ".name", $"unknown input '{Quoted(tensor?.Name)}' (expected feature names, or the ONNX input '{manifest.Onnx.Inputs[0].Name}' with shape [N, {manifest.Onnx.Inputs[0].Features.Count}])");
                }

                continue;
            }

            if (given[f])
            {
                errors.Add(path + ".name", $"input '{Quoted(tensor.Name)}' given more than once");
                continue;
            }

            var shape = tensor.Shape ?? [];
            if (shape.Count is < 1 or > 2 || (shape.Count == 2 && shape[1] != 1) || shape[0] < 1)
            {
                errors.Add(path + ".shape", $"expected [N] or [N, 1] for feature '{tensor.Name}', got {ShapeText(shape)}");
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
                errors.Add(path + ".datatype", $"expected {(expected ?? "a numeric datatype (FP32, FP64, INT64, …)")} for {manifest.Features[f].Type.ToString().ToLowerInvariant()} feature '{tensor.Name}', got {Quoted(tensor.Datatype)}");
                continue;
            }

            given[f] = true;
            columns.Add((f, Elements.Of(tensor, i, rows), tensor.Name));
        }

        if (rows < 0)
        {
            // Every input was skipped as unknown (unknownFeatures: ignore): no rows to score. Name the required features
            // no tensor gave, or that nothing named a feature at all.
            RequireFeatures(manifest, given, errors);
            if (errors.Count == 0)
            {
                errors.Add("inputs", $"no input names a feature of the model (expected feature names, or the ONNX input '{manifest.Onnx.Inputs[0].Name}' with shape [N, {manifest.Onnx.Inputs[0].Features.Count}])");
            }
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
                data.Set(manifest, plan, limits, f, r, new InstanceValidator.ValuePath(r, name, true), batch, r, errors);
            }
        }

        RequireFeatures(manifest, given, errors);
        errors.ThrowIfAny();
        return batch;
    }

    /// <summary>Names every required feature no tensor gave (<paramref name="given"/> by feature index).</summary>
    private static void RequireFeatures(ModelManifest manifest, bool[] given, InstanceValidator.ErrorList errors)
    {
        for (var f = 0; f < given.Length; f++)
        {
            if (!given[f] && manifest.Features[f].Required)
            {
                errors.Add("inputs", $"missing a tensor for required feature '{manifest.Features[f].Name}'");
            }
        }
    }

    /// <summary>A tensor's elements: JSON elements (REST bodies) or values the host decoded (<see cref="InferTensorValues"/>,
    /// gRPC), set into a batch with the same checks either way (<see cref="InstanceValidator"/>).</summary>
    private readonly struct Elements
    {
        private readonly List<JsonElement>? _json;
        private readonly InferTensorValues? _values;

        private Elements(List<JsonElement>? json, InferTensorValues? values)
        {
            _json = json;
            _values = values;
        }

        /// <summary>The elements of <c>inputs[<paramref name="input"/>]</c>, checked to be exactly <paramref name="expected"/>.</summary>
        public static Elements Of(InferInputTensor tensor, int input, long expected)
        {
            if (tensor.Values is not { } values)
            {
                return new Elements(Flatten(tensor.Data, input, expected), null);
            }

            if (values.Count != expected)
            {
                throw new InvalidInputException(new TensorPath(input) + ".data", values.Count > expected ? TooMany(expected) : TooFew(values.Count, expected));
            }

            return new Elements(null, values);
        }

        /// <summary>Sets element <paramref name="index"/> as feature <paramref name="f"/> of <paramref name="row"/>.</summary>
        public void Set(ModelManifest manifest, ManifestPlan plan, ScoringLimits limits, int f, int index, InstanceValidator.ValuePath path, FeatureBatch batch, int row, InstanceValidator.ErrorList errors)
        {
            var spec = manifest.Features[f];
            if (_json is not null)
            {
                InstanceValidator.SetValue(manifest, plan, limits, spec, f, _json[index], path, batch, row, errors);
                return;
            }

            // The datatype was checked against the feature's type, so texts reach string features only and numbers
            // numeric ones; the kind check stays for an input that maps features of both kinds.
            var values = _values!;
            if ((values.Texts is null) != (spec.Type != FeatureType.String))
            {
                errors.Add(path.ToString(), spec.Type == FeatureType.String ? "expected a string, got a number" : $"expected {(spec.Type == FeatureType.Int ? "an integer" : "a number")}, got a string");
                return;
            }

            switch (spec.Type)
            {
                case FeatureType.Float:
                    InstanceValidator.SetNumber(manifest, spec, f, values.Numbers is { } n ? n[index] : values.Integers![index], path, batch, row, errors);
                    return;
                case FeatureType.Int when values.Integers is { } integers:
                    InstanceValidator.SetInteger(manifest, plan, spec, f, integers[index], path, batch, row, errors);
                    return;
                case FeatureType.Int:
                    if (InstanceValidator.TryGetInteger(values.Numbers![index], out var l))
                    {
                        InstanceValidator.SetInteger(manifest, plan, spec, f, l, path, batch, row, errors);
                    }
                    else
                    {
                        errors.Add(path.ToString(), InstanceValidator.NotAnInteger);
                    }

                    return;
                default:
                    InstanceValidator.SetText(manifest, plan, limits, spec, f, values.Texts![index], path, batch, row, errors);
                    return;
            }
        }
    }

    // A name or datatype from the request, quoted in an error: cut, so a megabyte-long one cannot make the answer as long.
    private static string Quoted(string? value) => UserText.Shorten(value ?? "", 64);

    // A shape from the request, as an error shows it: its first dimensions and how many there are in all.
    private static string ShapeText(IReadOnlyList<long> shape) => shape.Count <= 8
        ? $"[{string.Join(", ", shape)}]"
        : string.Create(CultureInfo.InvariantCulture, $"[{string.Join(", ", shape.Take(8))}, …] ({shape.Count} dimensions)");

    private static string TooMany(long expected) => string.Create(CultureInfo.InvariantCulture, $"has more elements than the shape's {expected}");

    private static string TooFew(long count, long expected) => string.Create(CultureInfo.InvariantCulture, $"has {count} elements, but the shape needs {expected}");

    /// <summary><c>inputs[i]</c>, as text only when an error names it (string concatenation calls <see cref="ToString"/>).</summary>
    private readonly record struct TensorPath(int Input)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"inputs[{Input}]");
    }

    /// <summary>Flattens row-major data of <c>inputs[<paramref name="input"/>]</c>, flat or nested, checking it holds exactly <paramref name="expected"/> elements.</summary>
    private static List<JsonElement> Flatten(JsonElement data, int input, long expected)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInputException(Path(), $"expected an array, got {UserText.Describe(data.ValueKind)}");
        }

        var result = new List<JsonElement>((int)Math.Min(expected, 1 << 20));
        Add(data, 0);
        if (result.Count != expected)
        {
            throw new InvalidInputException(Path(), TooFew(result.Count, expected));
        }

        return result;

        string Path() => new TensorPath(input) + ".data";

        void Add(JsonElement element, int depth)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Array)
                {
                    if (depth >= MaxNesting)
                    {
                        throw new InvalidInputException(Path(), "nested more deeply than a tensor shape allows");
                    }

                    Add(item, depth + 1);
                }
                else
                {
                    if (result.Count >= expected)
                    {
                        throw new InvalidInputException(Path(), TooMany(expected));
                    }

                    result.Add(item);
                }
            }
        }
    }
}
