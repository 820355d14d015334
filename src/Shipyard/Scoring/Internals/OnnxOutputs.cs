using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Models;
using Shipyard.Models.Internals;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// The one place that turns a graph's outputs into predictions, for every path. The kind of each output the manifest
/// names is read from the graph when the model loads (<see cref="Plan"/>), so a run never guesses:
/// <list type="bullet">
/// <item>label: an int64 or int32 tensor of class ids (indexes into <c>labels</c>), or a string tensor of labels;</item>
/// <item>probabilities: a float or double [N, C] tensor in label order, or scikit-learn's ZipMap, a sequence of maps
/// keyed by class id (int64) or label (string) with float or double values; a class the map lacks gets 0;</item>
/// <item>value: a float or double [N] or [N, 1] tensor.</item>
/// </list>
/// A classifier without a label output predicts the most probable class (the first on ties).
/// </summary>
internal sealed class OnnxOutputs
{
    private readonly ModelManifest _manifest;
    private readonly Dictionary<string, int> _labelIndex;
    private readonly int _label = -1;
    private readonly int _probabilities = -1;
    private readonly int _value = -1;
    private readonly OutputKind _labelKind;
    private readonly OutputKind _probabilitiesKind;
    private readonly OutputKind _valueKind;
    private readonly int[]? _columnClasses;

    private OnnxOutputs(ModelManifest manifest, string[] names, (int Index, OutputKind Kind) label, (int Index, OutputKind Kind) probabilities, (int Index, OutputKind Kind) value, int[]? columnClasses)
    {
        _manifest = manifest;
        _columnClasses = columnClasses;
        Names = names;
        (_label, _labelKind) = label;
        (_probabilities, _probabilitiesKind) = probabilities;
        (_value, _valueKind) = value;
        _labelIndex = ManifestPlan.For(manifest).LabelIndex;
    }

    private enum OutputKind
    {
        None,
        Int64,
        Int32,
        String,
        Float,
        Double,
        ZipMapInt64Float,
        ZipMapInt64Double,
        ZipMapStringFloat,
        ZipMapStringDouble,
    }

    /// <summary>The graph outputs to request, without duplicates.</summary>
    public string[] Names { get; }

    /// <summary>Whether probabilities come from the tensor feeding a ZipMap (see <see cref="OnnxZipMap"/>).</summary>
    public bool ReadsZipMapInput { get; private init; }

    /// <summary>Whether the model gives class probabilities (else they are NaN in the target).</summary>
    public bool HasProbabilities => _probabilities >= 0;

    /// <summary>
    /// Reads the kinds of the outputs <paramref name="manifest"/> names from the graph; adds a problem (naming the
    /// manifest key) for an output that is missing or of a kind Shipyard cannot read, and returns null then. With
    /// <paramref name="exposed"/>, probabilities are read from the tensor feeding the ZipMap, columns mapped to labels.
    /// </summary>
    public static OnnxOutputs? Plan(ModelManifest manifest, InferenceSession session, List<string> problems, ExposedProbabilities? exposed = null)
    {
        var names = new List<string>(3);
        var before = problems.Count;
        var mapping = manifest.Onnx.Outputs;
        var label = Resolve("label", mapping.Label, session, names, problems, LabelKind);
        var probabilities = Resolve("probabilities", exposed?.Tensor ?? mapping.Probabilities, session, names, problems, node => ProbabilitiesKind(node, manifest.Labels.Count));
        var value = Resolve("value", mapping.Value, session, names, problems, ValueKind);
        if (manifest.IsClassifier && label.Index < 0 && probabilities.Index < 0 && problems.Count == before)
        {
            problems.Add("onnx.outputs: a classifier names neither a label nor a probabilities output");
        }
        else if (!manifest.IsClassifier && value.Index < 0 && problems.Count == before)
        {
            problems.Add("onnx.outputs.value: a regressor must name its value output");
        }

        var identity = exposed is null || exposed.ColumnClasses.SequenceEqual(Enumerable.Range(0, exposed.ColumnClasses.Length));
        return problems.Count > before ? null : new OnnxOutputs(manifest, [.. names], label, probabilities, value, identity ? null : exposed!.ColumnClasses)
        {
            ReadsZipMapInput = exposed is not null,
        };
    }

    /// <summary>Reads a run's outputs (in <see cref="Names"/> order) for <paramref name="rows"/> rows into <paramref name="target"/> from <paramref name="targetRow"/> on.</summary>
    /// <exception cref="ModelRunException">An output's size does not fit the rows and labels, or a class id is out of range.</exception>
    public void Read(IReadOnlyList<OrtValue> results, int rows, ScoreTarget target, int targetRow)
    {
        if (!_manifest.IsClassifier)
        {
            ReadValues(results[_value], rows, target.Values.AsSpan(targetRow, rows));
            return;
        }

        var classes = _manifest.Labels.Count;
        var probabilities = target.Probabilities.AsSpan(targetRow * classes, rows * classes);
        if (_probabilities >= 0)
        {
            ReadProbabilities(results[_probabilities], rows, classes, probabilities);
        }
        else
        {
            probabilities.Fill(float.NaN);
        }

        var labelIndex = target.LabelIndex.AsSpan(targetRow, rows);
        var labelText = target.LabelText.AsSpan(targetRow, rows);
        if (_label >= 0)
        {
            ReadLabels(results[_label], rows, labelIndex, labelText);
            return;
        }

        for (var r = 0; r < rows; r++)
        {
            labelIndex[r] = ArgMax(probabilities.Slice(r * classes, classes));
            labelText[r] = null;
        }
    }

    /// <summary>ORT's element type for a manifest input type.</summary>
    public static TensorElementType ElementTypeOf(OnnxElementType type) => type switch
    {
        OnnxElementType.Float => TensorElementType.Float,
        OnnxElementType.Double => TensorElementType.Double,
        OnnxElementType.Int64 => TensorElementType.Int64,
        OnnxElementType.Int32 => TensorElementType.Int32,
        _ => TensorElementType.String,
    };

    /// <summary>A node's type as ONNX writes it: <c>tensor(float)</c>, <c>seq(map(int64,tensor(float)))</c>.</summary>
    public static string Describe(NodeMetadata node) => node.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => $"tensor({Name(node.ElementDataType)})",
        OnnxValueType.ONNX_TYPE_SEQUENCE => $"seq({Describe(node.AsSequenceMetadata().ElementMeta)})",
        OnnxValueType.ONNX_TYPE_MAP => $"map({Name(node.AsMapMetadata().KeyDataType)},{Describe(node.AsMapMetadata().ValueMetadata)})",
        var other => other.ToString(),
    };

    private static (int Index, OutputKind Kind) Resolve(string key, string? name, InferenceSession session, List<string> names, List<string> problems, Func<NodeMetadata, OutputKind> kindOf)
    {
        if (name is null)
        {
            return (-1, OutputKind.None);
        }

        if (!session.OutputMetadata.TryGetValue(name, out var node))
        {
            problems.Add($"onnx.outputs.{key}: the graph has no output '{name}' (it has: {string.Join(", ", session.OutputNames)})");
            return (-1, OutputKind.None);
        }

        var kind = kindOf(node);
        if (kind == OutputKind.None)
        {
            problems.Add($"onnx.outputs.{key}: the graph output '{name}' is {Describe(node)}, which Shipyard cannot read as a {key} ({Expected(key)})");
            return (-1, OutputKind.None);
        }

        var index = names.IndexOf(name);
        if (index < 0)
        {
            names.Add(name);
            index = names.Count - 1;
        }

        return (index, kind);
    }

    private static string Expected(string key) => key switch
    {
        "label" => "expected tensor(int64), tensor(int32) or tensor(string)",
        "probabilities" => "expected tensor(float) or tensor(double) [N, classes], or seq(map(int64|string, float|double))",
        _ => "expected tensor(float) or tensor(double)",
    };

    private static OutputKind LabelKind(NodeMetadata node) => !node.IsTensor ? OutputKind.None : node.ElementDataType switch
    {
        TensorElementType.Int64 => OutputKind.Int64,
        TensorElementType.Int32 => OutputKind.Int32,
        TensorElementType.String => OutputKind.String,
        _ => OutputKind.None,
    };

    private static OutputKind ValueKind(NodeMetadata node) => !node.IsTensor ? OutputKind.None : node.ElementDataType switch
    {
        TensorElementType.Float => OutputKind.Float,
        TensorElementType.Double => OutputKind.Double,
        _ => OutputKind.None,
    };

    private static OutputKind ProbabilitiesKind(NodeMetadata node, int classes)
    {
        if (node.IsTensor)
        {
            // A static class dimension must match the labels; a dynamic one (-1) is checked at run time.
            var dims = node.Dimensions;
            if (dims.Length != 2 || (dims[1] > 0 && dims[1] != classes))
            {
                return OutputKind.None;
            }

            return ValueKind(node);
        }

        if (node.OnnxValueType != OnnxValueType.ONNX_TYPE_SEQUENCE)
        {
            return OutputKind.None;
        }

        var element = node.AsSequenceMetadata().ElementMeta;
        if (element.OnnxValueType != OnnxValueType.ONNX_TYPE_MAP)
        {
            return OutputKind.None;
        }

        var map = element.AsMapMetadata();
        return (map.KeyDataType, ValueKind(map.ValueMetadata)) switch
        {
            (TensorElementType.Int64, OutputKind.Float) => OutputKind.ZipMapInt64Float,
            (TensorElementType.Int64, OutputKind.Double) => OutputKind.ZipMapInt64Double,
            (TensorElementType.String, OutputKind.Float) => OutputKind.ZipMapStringFloat,
            (TensorElementType.String, OutputKind.Double) => OutputKind.ZipMapStringDouble,
            _ => OutputKind.None,
        };
    }

    private void ReadValues(OrtValue value, int rows, Span<double> target)
    {
        if (_valueKind == OutputKind.Double)
        {
            var data = value.GetTensorDataAsSpan<double>();
            CheckCount("value", data.Length, rows);
            data.CopyTo(target);
            return;
        }

        var floats = value.GetTensorDataAsSpan<float>();
        CheckCount("value", floats.Length, rows);
        for (var r = 0; r < rows; r++)
        {
            target[r] = floats[r];
        }
    }

    private void ReadProbabilities(OrtValue value, int rows, int classes, Span<float> target)
    {
        switch (_probabilitiesKind)
        {
            case OutputKind.Float when _columnClasses is null:
                var floats = value.GetTensorDataAsSpan<float>();
                CheckCount("probabilities", floats.Length, rows * classes);
                floats.CopyTo(target);
                return;
            case OutputKind.Float:
                // A ZipMap's input in its class order: column j is label _columnClasses[j].
                var columns = value.GetTensorDataAsSpan<float>();
                CheckCount("probabilities", columns.Length, rows * classes);
                for (var r = 0; r < rows; r++)
                {
                    for (var j = 0; j < classes; j++)
                    {
                        target[(r * classes) + _columnClasses[j]] = columns[(r * classes) + j];
                    }
                }

                return;
            case OutputKind.Double:
                var doubles = value.GetTensorDataAsSpan<double>();
                CheckCount("probabilities", doubles.Length, rows * classes);
                for (var i = 0; i < doubles.Length; i++)
                {
                    target[i] = (float)doubles[i];
                }

                return;
        }

        // ZipMap: one map per row; each row's keys and values are read once, then placed by class.
        CheckCount("probabilities", value.GetValueCount(), rows);
        target.Clear();
        var allocator = OrtAllocator.DefaultInstance;
        var stringKeys = _probabilitiesKind is OutputKind.ZipMapStringFloat or OutputKind.ZipMapStringDouble;
        var doubleValues = _probabilitiesKind is OutputKind.ZipMapInt64Double or OutputKind.ZipMapStringDouble;
        for (var r = 0; r < rows; r++)
        {
            using var map = value.GetValue(r, allocator);
            using var keys = map.GetValue(0, allocator);
            using var values = map.GetValue(1, allocator);
            var row = target.Slice(r * classes, classes);
            var count = (int)keys.GetTensorTypeAndShape().ElementCount;
            var ids = stringKeys ? default : keys.GetTensorDataAsSpan<long>();
            var floats = doubleValues ? default : values.GetTensorDataAsSpan<float>();
            var doubles = doubleValues ? values.GetTensorDataAsSpan<double>() : default;
            for (var k = 0; k < count; k++)
            {
                var c = stringKeys ? _labelIndex.GetValueOrDefault(keys.GetStringElement(k), -1) : ids[k] >= 0 && ids[k] < classes ? (int)ids[k] : -1;
                if (c >= 0)
                {
                    row[c] = doubleValues ? (float)doubles[k] : floats[k];
                }
            }
        }
    }

    private void ReadLabels(OrtValue value, int rows, Span<int> index, Span<string?> text)
    {
        if (_labelKind == OutputKind.String)
        {
            CheckCount("label", (int)value.GetTensorTypeAndShape().ElementCount, rows);
            for (var r = 0; r < rows; r++)
            {
                var label = value.GetStringElement(r);
                var c = _labelIndex.GetValueOrDefault(label, -1);
                index[r] = c;
                text[r] = c < 0 ? label : null;
            }

            return;
        }

        if (_labelKind == OutputKind.Int64)
        {
            var ids = value.GetTensorDataAsSpan<long>();
            CheckCount("label", ids.Length, rows);
            for (var r = 0; r < rows; r++)
            {
                index[r] = LabelIndexOf(ids[r]);
                text[r] = null;
            }

            return;
        }

        var ids32 = value.GetTensorDataAsSpan<int>();
        CheckCount("label", ids32.Length, rows);
        for (var r = 0; r < rows; r++)
        {
            index[r] = LabelIndexOf(ids32[r]);
            text[r] = null;
        }
    }

    private int LabelIndexOf(long id)
    {
        if (id < 0 || id >= _manifest.Labels.Count)
        {
            throw new ModelRunException(_manifest.Name, _manifest.Version, string.Create(CultureInfo.InvariantCulture, $"the model predicted class id {id}, but the manifest has {_manifest.Labels.Count} labels."));
        }

        return (int)id;
    }

    private void CheckCount(string output, long actual, long expected)
    {
        if (actual != expected)
        {
            throw new ModelRunException(_manifest.Name, _manifest.Version, string.Create(CultureInfo.InvariantCulture, $"the {output} output has {actual} elements, expected {expected}; check onnx.outputs and labels in model.json."));
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Double => "double",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.String => "string",
        TensorElementType.Bool => "bool",
        TensorElementType.Float16 => "float16",
        _ => type.ToString().ToLowerInvariant(),
    };
}
