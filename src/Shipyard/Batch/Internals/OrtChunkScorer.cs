using System.Globalization;
using Shipyard.Models;
using Shipyard.Onnx;

namespace Shipyard.Batch.Internals;

/// <summary>
/// Runs one ONNX session on a chunk: packs the chunk's feature values into the graph inputs the manifest names
/// (each input a [rows, features] tensor of its element type, over buffers allocated once for the largest chunk),
/// runs, and reads the label / probabilities (tensor or sklearn ZipMap) / value outputs back into the chunk.
/// </summary>
internal sealed class OrtChunkScorer : IChunkScorer, IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelManifest _manifest;
    private readonly InputPlan[] _inputs;
    private readonly string[] _outputNames;
    private readonly IDisposable? _owner;

    public OrtChunkScorer(InferenceSession session, ModelManifest manifest, int maxRows, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(manifest);
        _session = session;
        _manifest = manifest;
        _owner = owner;
        _inputs = [.. manifest.Onnx.Inputs.Select(input => new InputPlan(input, manifest, maxRows))];
        var outputs = manifest.Onnx.Outputs;
        _outputNames = manifest.IsClassifier
            ? [.. new[] { outputs.Label, outputs.Probabilities }.OfType<string>()]
            : [outputs.Value ?? throw new BatchFailedException($"model '{manifest.Name}' version {manifest.Version} is a regressor without onnx.outputs.value")];
        if (_outputNames.Length == 0)
        {
            throw new BatchFailedException($"model '{manifest.Name}' version {manifest.Version} names neither onnx.outputs.label nor onnx.outputs.probabilities");
        }
    }

    /// <summary>A scorer over the session held by <paramref name="lease"/> (the lease stays owned by the caller).</summary>
    public static OrtChunkScorer Create(ModelLease lease, int maxRows) => new(lease.Session, lease.Manifest, maxRows);

    /// <inheritdoc />
    public void Score(BatchChunk chunk)
    {
        var rows = chunk.Count;
        var values = new NamedOrtValue[_inputs.Length];
        try
        {
            for (var i = 0; i < _inputs.Length; i++)
            {
                values[i] = new NamedOrtValue(_inputs[i].Name, _inputs[i].Pack(chunk));
            }

            using var outputs = _session.Run(values, _outputNames);
            ReadOutputs(outputs, chunk);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BatchFailedException(
                $"model '{_manifest.Name}' version {_manifest.Version} failed on the chunk of rows {chunk.RowNumbers[0]}–{chunk.RowNumbers[rows - 1]}: {e.Message}", e);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Value?.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _owner?.Dispose();

    private void ReadOutputs(OrtValueCollection outputs, BatchChunk chunk)
    {
        var rows = chunk.Count;
        if (!_manifest.IsClassifier)
        {
            var value = outputs[0];
            if (value.ElementType == TensorElementType.Double)
            {
                var data = value.GetTensorData<double>();
                for (var r = 0; r < rows; r++)
                {
                    chunk.Values[r] = (float)data[r];
                }
            }
            else
            {
                value.GetTensorData<float>()[..rows].CopyTo(chunk.Values);
            }

            return;
        }

        var names = _manifest.Onnx.Outputs;
        var classes = chunk.ClassCount;
        var probabilities = chunk.Probabilities.AsSpan(0, rows * classes);
        if (names.Probabilities is not null)
        {
            ReadProbabilities(outputs[names.Probabilities], rows, classes, probabilities);
        }
        else
        {
            probabilities.Fill(float.NaN);
        }

        if (names.Label is not null)
        {
            ReadLabels(outputs[names.Label], chunk);
        }
        else
        {
            for (var r = 0; r < rows; r++)
            {
                chunk.LabelIndex[r] = ArgMax(probabilities.Slice(r * classes, classes));
            }
        }
    }

    private void ReadProbabilities(OrtValue value, int rows, int classes, Span<float> target)
    {
        if (value.ValueType == OrtValueType.Tensor)
        {
            value.GetTensorData<float>()[..(rows * classes)].CopyTo(target);
            return;
        }

        // sklearn's ZipMap: one map per row, keyed by class id or by class label.
        var labels = _manifest.Labels;
        try
        {
            var maps = value.ReadSequenceOfMaps<long, float>();
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < classes; c++)
                {
                    target[(r * classes) + c] = maps[r].TryGetValue(c, out var p) ? p : float.NaN;
                }
            }
        }
        catch (OnnxRuntimeException)
        {
            var maps = value.ReadSequenceOfMaps<string, float>();
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < classes; c++)
                {
                    target[(r * classes) + c] = maps[r].TryGetValue(labels[c], out var p) ? p : float.NaN;
                }
            }
        }
    }

    private void ReadLabels(OrtValue value, BatchChunk chunk)
    {
        var rows = chunk.Count;
        var labels = _manifest.Labels;
        if (value.ElementType == TensorElementType.String)
        {
            var text = value.ReadStrings();
            for (var r = 0; r < rows; r++)
            {
                var index = IndexOf(labels, text[r]);
                chunk.LabelIndex[r] = index;
                chunk.LabelText[r] = index < 0 ? text[r] : null;
            }

            return;
        }

        var ids = value.GetTensorData<long>();
        for (var r = 0; r < rows; r++)
        {
            var id = ids[r];
            if (id >= 0 && id < labels.Count)
            {
                chunk.LabelIndex[r] = (int)id;
            }
            else
            {
                chunk.LabelIndex[r] = -1;
                chunk.LabelText[r] = id.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], label, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
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

    /// <summary>One graph input: which features go in, and a reusable buffer of its element type.</summary>
    private sealed class InputPlan
    {
        private readonly int[] _features;
        private readonly OnnxElementType _type;
        private readonly float[]? _float;
        private readonly double[]? _double;
        private readonly long[]? _int64;
        private readonly int[]? _int32;
        private readonly string[]? _string;

        public InputPlan(OnnxInputMapping mapping, ModelManifest manifest, int maxRows)
        {
            Name = mapping.Name;
            _type = mapping.ElementType;
            _features = [.. mapping.Features.Select(manifest.IndexOfFeature)];
            var size = maxRows * _features.Length;
            switch (_type)
            {
                case OnnxElementType.Float: _float = new float[size]; break;
                case OnnxElementType.Double: _double = new double[size]; break;
                case OnnxElementType.Int64: _int64 = new long[size]; break;
                case OnnxElementType.Int32: _int32 = new int[size]; break;
                default: _string = new string[size]; break;
            }
        }

        public string Name { get; }

        public OrtValue Pack(BatchChunk chunk)
        {
            var rows = chunk.Count;
            var width = _features.Length;
            var stride = chunk.FeatureCount;
            var numbers = chunk.Numbers;
            long[] shape = [rows, width];
            var count = rows * width;
            switch (_type)
            {
                case OnnxElementType.Float:
                    for (var r = 0; r < rows; r++)
                    {
                        for (var j = 0; j < width; j++)
                        {
                            _float![(r * width) + j] = (float)numbers[(r * stride) + _features[j]];
                        }
                    }

                    return OrtValue.CreateTensor(_float.AsMemory(0, count), shape);
                case OnnxElementType.Double:
                    for (var r = 0; r < rows; r++)
                    {
                        for (var j = 0; j < width; j++)
                        {
                            _double![(r * width) + j] = numbers[(r * stride) + _features[j]];
                        }
                    }

                    return OrtValue.CreateTensor(_double.AsMemory(0, count), shape);
                case OnnxElementType.Int64:
                    for (var r = 0; r < rows; r++)
                    {
                        for (var j = 0; j < width; j++)
                        {
                            var v = numbers[(r * stride) + _features[j]];
                            _int64![(r * width) + j] = double.IsNaN(v) ? 0 : (long)v;
                        }
                    }

                    return OrtValue.CreateTensor(_int64.AsMemory(0, count), shape);
                case OnnxElementType.Int32:
                    for (var r = 0; r < rows; r++)
                    {
                        for (var j = 0; j < width; j++)
                        {
                            var v = numbers[(r * stride) + _features[j]];
                            _int32![(r * width) + j] = double.IsNaN(v) ? 0 : (int)v;
                        }
                    }

                    return OrtValue.CreateTensor(_int32.AsMemory(0, count), shape);
                default:
                    for (var r = 0; r < rows; r++)
                    {
                        for (var j = 0; j < width; j++)
                        {
                            var f = _features[j];
                            _string![(r * width) + j] = chunk.Texts?[(r * stride) + f]
                                ?? numbers[(r * stride) + f].ToString(CultureInfo.InvariantCulture);
                        }
                    }

                    return OrtValue.CreateStringTensor(_string.AsSpan(0, count), shape);
            }
        }
    }
}
