using System.Buffers;
using System.Globalization;
using Shipyard.Models;
using Shipyard.Onnx;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>
/// Runs a validated <see cref="FeatureBatch"/> through a leased model version: packs features into the ONNX input
/// tensors per <c>onnx.inputs</c>, runs in chunks of <c>runtime.maxBatch</c> rows, and maps outputs (int64 class ids or
/// string labels, float [N,C] or ZipMap probabilities, float/double values) to predictions. Synchronous and thread-safe;
/// used by <see cref="PredictionService"/> and batch scoring.
/// </summary>
public static class ModelScorer
{
    /// <summary>Scores every row of <paramref name="batch"/> with the leased version.</summary>
    /// <exception cref="ArgumentException">The batch was built for a different manifest.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed (a model/manifest mismatch the load checks did not catch).</exception>
    public static IReadOnlyList<Prediction> Score(ModelLease lease, FeatureBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch.Manifest, lease.Manifest) && !SameFeatures(batch.Manifest, lease.Manifest))
        {
            throw new ArgumentException($"The batch was built for {batch.Manifest.Name} v{batch.Manifest.Version}, not the leased {lease.Model} v{lease.Version}.", nameof(batch));
        }

        return Run(lease.Session, lease.Manifest, batch, cancellationToken).ToPredictions(lease.Manifest);
    }

    internal static bool SameFeatures(ModelManifest a, ModelManifest b) =>
        a.Features.Count == b.Features.Count && a.Features.Zip(b.Features).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type);

    internal static RawScores Run(InferenceSession session, ModelManifest manifest, FeatureBatch batch, CancellationToken cancellationToken)
    {
        var maxBatch = Math.Max(1, manifest.Runtime.MaxBatch);
        if (batch.Count <= maxBatch)
        {
            return RunChunk(session, manifest, batch, 0, batch.Count, cancellationToken);
        }

        var parts = new List<RawScores>();
        for (var start = 0; start < batch.Count; start += maxBatch)
        {
            parts.Add(RunChunk(session, manifest, batch, start, Math.Min(maxBatch, batch.Count - start), cancellationToken));
        }

        return RawScores.Concat(parts);
    }

    private static RawScores RunChunk(InferenceSession session, ModelManifest manifest, FeatureBatch batch, int start, int count, CancellationToken cancellationToken)
    {
        var plan = ManifestPlan.For(manifest);
        var inputCount = manifest.Onnx.Inputs.Count;
        var values = new OrtValue[inputCount];
        var named = new NamedOrtValue[inputCount];
        var rented = new List<Action>(inputCount);
        try
        {
            for (var i = 0; i < inputCount; i++)
            {
                var mapping = manifest.Onnx.Inputs[i];
                var features = plan.InputFeatures[i];
                long[] shape = [count, features.Count];
                var length = count * features.Count;
                values[i] = mapping.ElementType switch
                {
                    OnnxElementType.Float => Pack<float>(length, shape, rented, span => batch.PackFloat(features, start, count, span)),
                    OnnxElementType.Double => Pack<double>(length, shape, rented, span => batch.PackDouble(features, start, count, span)),
                    OnnxElementType.Int64 => Pack<long>(length, shape, rented, span => batch.PackInt64(features, start, count, span)),
                    OnnxElementType.Int32 => Pack<int>(length, shape, rented, span => batch.PackInt32(features, start, count, span)),
                    _ => PackStrings(batch, features, start, count, shape),
                };
                named[i] = new NamedOrtValue(mapping.Name, values[i]);
            }

            using var outputs = session.Run(named, plan.OutputNames, cancellationToken);
            return MapOutputs(manifest, plan, outputs, count);
        }
        finally
        {
            foreach (var v in values)
            {
                v?.Dispose();
            }

            foreach (var release in rented)
            {
                release();
            }
        }
    }

    private delegate void Filler<T>(Span<T> destination);

    private static OrtValue Pack<T>(int length, long[] shape, List<Action> rented, Filler<T> fill)
        where T : unmanaged
    {
        var buffer = ArrayPool<T>.Shared.Rent(Math.Max(length, 1));
        rented.Add(() => ArrayPool<T>.Shared.Return(buffer));
        fill(buffer.AsSpan(0, length));
        return OrtValue.CreateTensor(buffer.AsMemory(0, length), shape);
    }

    private static OrtValue PackStrings(FeatureBatch batch, IReadOnlyList<int> features, int start, int count, long[] shape)
    {
        var strings = new string[count * features.Count];
        batch.PackString(features, start, count, strings);
        return OrtValue.CreateStringTensor(strings, shape);
    }

    private static RawScores MapOutputs(ModelManifest manifest, ManifestPlan plan, OrtValueCollection outputs, int count)
    {
        var names = manifest.Onnx.Outputs;
        if (manifest.Task == ModelTask.Regression)
        {
            return new RawScores(count, null, null, 0, ReadValues(manifest, outputs[names.Value!], count));
        }

        var classes = manifest.Labels.Count;
        var probabilities = names.Probabilities is null ? null : ReadProbabilities(manifest, plan, outputs[names.Probabilities], count);
        var labels = names.Label is null ? ArgMaxLabels(manifest, probabilities!, count) : ReadLabels(manifest, outputs[names.Label], count);
        return new RawScores(count, labels, probabilities, classes, null);
    }

    private static string[] ReadLabels(ModelManifest manifest, OrtValue value, int count)
    {
        var labels = new string[count];
        switch (value.ElementType)
        {
            case TensorElementType.String:
                var strings = value.ReadStrings();
                CheckCount(manifest, "label", strings.Length, count);
                return strings;
            case TensorElementType.Int64:
                var ids = value.GetTensorData<long>();
                CheckCount(manifest, "label", ids.Length, count);
                for (var r = 0; r < count; r++)
                {
                    labels[r] = LabelOf(manifest, ids[r]);
                }

                return labels;
            case TensorElementType.Int32:
                var ids32 = value.GetTensorData<int>();
                CheckCount(manifest, "label", ids32.Length, count);
                for (var r = 0; r < count; r++)
                {
                    labels[r] = LabelOf(manifest, ids32[r]);
                }

                return labels;
            default:
                ScoringThrow.InvalidOperation_Output(manifest.Name, manifest.Version, $"label output '{manifest.Onnx.Outputs.Label}' has element type {value.ElementType}; expected int64, int32 or string.");
                return labels;
        }
    }

    private static string LabelOf(ModelManifest manifest, long id)
    {
        if (id < 0 || id >= manifest.Labels.Count)
        {
            ScoringThrow.InvalidOperation_Output(manifest.Name, manifest.Version, string.Create(CultureInfo.InvariantCulture, $"the model predicted class id {id}, but the manifest has {manifest.Labels.Count} labels."));
        }

        return manifest.Labels[(int)id];
    }

    private static float[] ReadProbabilities(ModelManifest manifest, ManifestPlan plan, OrtValue value, int count)
    {
        var classes = manifest.Labels.Count;
        var result = new float[count * classes];
        if (value.ValueType == OrtValueType.Tensor)
        {
            if (value.ElementType == TensorElementType.Double)
            {
                var d = value.GetTensorData<double>();
                CheckCount(manifest, "probabilities", d.Length, count * classes);
                for (var i = 0; i < d.Length; i++)
                {
                    result[i] = (float)d[i];
                }
            }
            else
            {
                var f = value.GetTensorData<float>();
                CheckCount(manifest, "probabilities", f.Length, count * classes);
                f.CopyTo(result);
            }

            return result;
        }

        // sklearn's ZipMap: seq(map(int64, float)) keyed by class id, or seq(map(string, float)) keyed by label.
        if (plan.ZipMapStringKeys != true)
        {
            try
            {
                var maps = value.ReadSequenceOfMaps<long, float>();
                CheckCount(manifest, "probabilities", maps.Count, count);
                for (var r = 0; r < count; r++)
                {
                    foreach (var (id, p) in maps[r])
                    {
                        if (id >= 0 && id < classes)
                        {
                            result[(r * classes) + (int)id] = p;
                        }
                    }
                }

                plan.ZipMapStringKeys = false;
                return result;
            }
            catch (OnnxRuntimeException) when (plan.ZipMapStringKeys is null)
            {
                plan.ZipMapStringKeys = true;
            }
        }

        var labelMaps = value.ReadSequenceOfMaps<string, float>();
        CheckCount(manifest, "probabilities", labelMaps.Count, count);
        for (var r = 0; r < count; r++)
        {
            foreach (var (label, p) in labelMaps[r])
            {
                var c = IndexOf(manifest.Labels, label);
                if (c >= 0)
                {
                    result[(r * classes) + c] = p;
                }
            }
        }

        return result;
    }

    private static string[] ArgMaxLabels(ModelManifest manifest, float[] probabilities, int count)
    {
        var classes = manifest.Labels.Count;
        var labels = new string[count];
        for (var r = 0; r < count; r++)
        {
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (probabilities[(r * classes) + c] > probabilities[(r * classes) + best])
                {
                    best = c;
                }
            }

            labels[r] = manifest.Labels[best];
        }

        return labels;
    }

    private static double[] ReadValues(ModelManifest manifest, OrtValue value, int count)
    {
        var result = new double[count];
        if (value.ElementType == TensorElementType.Double)
        {
            var d = value.GetTensorData<double>();
            CheckCount(manifest, "value", d.Length, count);
            d.CopyTo(result);
        }
        else
        {
            var f = value.GetTensorData<float>();
            CheckCount(manifest, "value", f.Length, count);
            for (var i = 0; i < count; i++)
            {
                result[i] = f[i];
            }
        }

        return result;
    }

    private static void CheckCount(ModelManifest manifest, string output, int actual, int expected)
    {
        if (actual != expected)
        {
            ScoringThrow.InvalidOperation_Output(manifest.Name, manifest.Version, string.Create(CultureInfo.InvariantCulture, $"the {output} output has {actual} elements, expected {expected}; check onnx.outputs and labels in model.json."));
        }
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }
}
