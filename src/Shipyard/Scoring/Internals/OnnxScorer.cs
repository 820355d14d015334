using System.Buffers;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Shipyard.Models;
using Shipyard.Models.Internals;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// The one scorer: a model version's ONNX Runtime session with what the manifest says about it, used by every path
/// (HTTP, KServe, streaming through <see cref="ModelScorer"/>; batch through its chunk scorer). It packs rows into the
/// graph inputs over pooled memory (zero-copy <see cref="OrtValue"/>s), runs, and reads the label / probabilities / value
/// outputs into a <see cref="ScoreTarget"/> through <see cref="OnnxOutputs"/>, whose output kinds are checked when the
/// model loads, so a version that loads scores in every path. Thread-safe: many runs at once.
/// </summary>
internal sealed class OnnxScorer : IDisposable
{
    // Shared by runs that cannot be cancelled: a RunOptions is only written by Terminate, which those never set.
    private static readonly RunOptions Uncancellable = new();

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly OnnxElementType[] _inputTypes;
    private readonly int[] _inputWidths;
    private readonly OnnxOutputs _outputs;

    // Single-row runs go through a binding per thread when the graph allows it (OnnxRowBinding.Fits); null otherwise.
    private readonly ThreadLocal<OnnxRowBinding>? _rowBindings;

    private OnnxScorer(InferenceSession session, ModelManifest manifest, string executionProvider, OnnxOutputs outputs)
    {
        _session = session;
        Manifest = manifest;
        ExecutionProvider = executionProvider;
        _outputs = outputs;
        _inputNames = [.. manifest.Onnx.Inputs.Select(i => i.Name)];
        _inputTypes = [.. manifest.Onnx.Inputs.Select(i => i.ElementType)];
        _inputWidths = [.. manifest.Onnx.Inputs.Select(i => i.Features.Count)];
        if (OnnxRowBinding.Fits(session, _inputTypes, outputs.Names, executionProvider))
        {
            _rowBindings = new ThreadLocal<OnnxRowBinding>(() => new OnnxRowBinding(_session, _inputNames, _inputTypes, _inputWidths, _outputs.Names), trackAllValues: true);
        }
    }

    /// <summary>The manifest this scorer was checked against.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Whether single-row runs go through a per-thread IO binding (numeric inputs, tensor outputs, CPU).</summary>
    public bool BindsSingleRows => _rowBindings is not null;

    /// <summary>Whether the model gives class probabilities.</summary>
    public bool HasProbabilities => _outputs.HasProbabilities;

    /// <summary>The execution provider the session runs on: <c>CPU</c> or <c>CUDA</c>.</summary>
    public string ExecutionProvider { get; }

    /// <summary>
    /// Loads <paramref name="model"/> for <paramref name="manifest"/> and checks that the graph has the inputs and outputs
    /// the manifest names, with types Shipyard can feed and read.
    /// </summary>
    /// <param name="manifest">The version's manifest; its <c>runtime</c> settings shape the session.</param>
    /// <param name="model">The serialized model (model.onnx), already checked against the manifest's sha256.</param>
    /// <param name="modelPath">The model's file, when its external data lives beside it (bundled packages only).</param>
    /// <param name="fallback">Why CUDA was not used although the manifest asked for it (else null).</param>
    /// <exception cref="SessionCreateException">ONNX Runtime could not load the model, or the graph does not match the manifest.</exception>
    public static OnnxScorer Load(ModelManifest manifest, byte[] model, string? modelPath, out string? fallback)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var exposed = ExposeZipMapInput(manifest, model, modelPath);
        var logId = $"{manifest.Name}/{manifest.Version}";
        while (true)
        {
            InferenceSession session;
            string provider;
            try
            {
                (session, provider, fallback) = OnnxSessionFactory.Create(exposed?.Model ?? model, modelPath, manifest.Runtime, logId);
            }
            catch (SessionCreateException e) when (exposed is not null && !e.ProviderFailed)
            {
                // Never worse than the model as written: without the extra output, ORT reads the ZipMap as before.
                exposed = null;
                continue;
            }

            var problems = new List<string>();
            CheckInputs(manifest, session, problems);
            var outputs = OnnxOutputs.Plan(manifest, session, problems, exposed);
            if (problems.Count == 0)
            {
                return new OnnxScorer(session, manifest, provider, outputs!);
            }

            session.Dispose();
            if (exposed is null)
            {
                throw new SessionCreateException("model.json does not match model.onnx: " + string.Join("; ", problems), providerFailed: false);
            }

            exposed = null; // the exposed tensor is not what the plan expects: read the maps instead
        }
    }

    /// <summary>Whether probabilities are read from the tensor feeding the model's ZipMap instead of its maps.</summary>
    public bool ReadsZipMapInput => _outputs.ReadsZipMapInput;

    /// <summary>
    /// Scores every row of <paramref name="input"/> into the same rows of <paramref name="target"/>, in runs of at most
    /// <c>runtime.maxBatch</c> rows (a graph with a fixed batch size takes no more), for every path alike.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the run is terminated).</exception>
    /// <exception cref="ModelRunException">ONNX Runtime failed or returned outputs that do not fit the manifest.</exception>
    public void Score<TInput>(ref TInput input, ScoreTarget target, CancellationToken cancellationToken = default)
        where TInput : struct, IScoringInput
    {
        var maxBatch = Math.Max(1, Manifest.Runtime.MaxBatch);
        for (var start = 0; start < input.Rows; start += maxBatch)
        {
            Run(ref input, start, Math.Min(maxBatch, input.Rows - start), target, cancellationToken);
        }
    }

    /// <summary>Releases the bindings and the session. The registry calls it when the last lease on the version is gone.</summary>
    public void Dispose()
    {
        if (_rowBindings is not null)
        {
            foreach (var binding in _rowBindings.Values)
            {
                binding.Dispose();
            }

            _rowBindings.Dispose();
        }

        _session.Dispose();
    }

    /// <summary>One ONNX run over rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="rows"/>): a
    /// single row through this thread's binding when the graph allows it, else with input tensors over pooled memory.</summary>
    private void Run<TInput>(ref TInput input, int start, int rows, ScoreTarget target, CancellationToken cancellationToken)
        where TInput : struct, IScoringInput
    {
        cancellationToken.ThrowIfCancellationRequested();
        var count = _inputNames.Length;
        var values = rows == 1 && _rowBindings is not null ? null : new OrtValue[count];
        var rented = values is null ? null : new Array?[count];
        RunOptions? cancellable = null;
        try
        {
            var options = Uncancellable;
            if (cancellationToken.CanBeCanceled)
            {
                cancellable = new RunOptions();
                options = cancellable;
            }

            using var registration = cancellable is null ? default : cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, cancellable);
            if (values is null)
            {
                _rowBindings!.Value!.Run(_session, options, ref input, start, _outputs, target);
                return;
            }

            for (var i = 0; i < count; i++)
            {
                values[i] = Pack(ref input, i, start, rows, rented!);
            }

            using var results = _session.Run(options, _inputNames, values, _outputs.Names);
            _outputs.Read(results, rows, target, start);
        }
        catch (OnnxRuntimeException error)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new ModelRunException(Manifest.Name, Manifest.Version, "ONNX Runtime failed: " + error.Message, error);
        }
        finally
        {
            foreach (var value in values ?? [])
            {
                value?.Dispose();
            }

            if (rented is not null)
            {
                Return(rented);
            }

            cancellable?.Dispose();
        }
    }

    private OrtValue Pack<TInput>(ref TInput input, int i, int start, int rows, Array?[] rented)
        where TInput : struct, IScoringInput
    {
        var width = _inputWidths[i];
        var length = rows * width;
        long[] shape = [rows, width];
        switch (_inputTypes[i])
        {
            case OnnxElementType.Float:
                var f = Rent<float>(length, rented, i);
                input.PackFloat(i, start, rows, f.AsSpan(0, length));
                return Tensor(f, length, shape);
            case OnnxElementType.Double:
                var d = Rent<double>(length, rented, i);
                input.PackDouble(i, start, rows, d.AsSpan(0, length));
                return Tensor(d, length, shape);
            case OnnxElementType.Int64:
                var l = Rent<long>(length, rented, i);
                input.PackInt64(i, start, rows, l.AsSpan(0, length));
                return Tensor(l, length, shape);
            case OnnxElementType.Int32:
                var n = Rent<int>(length, rented, i);
                input.PackInt32(i, start, rows, n.AsSpan(0, length));
                return Tensor(n, length, shape);
            default:
                var s = Rent<string>(length, rented, i);
                input.PackString(i, start, rows, s.AsSpan(0, length));
                var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                try
                {
                    for (var k = 0; k < length; k++)
                    {
                        tensor.StringTensorSetElementAt(s[k].AsSpan(), k);
                    }

                    return tensor;
                }
                catch
                {
                    tensor.Dispose();
                    throw;
                }
        }
    }

    private static T[] Rent<T>(int length, Array?[] rented, int i)
    {
        var array = ArrayPool<T>.Shared.Rent(Math.Max(length, 1));
        rented[i] = array;
        return array;
    }

    // Zero-copy: the tensor pins the pooled array's first length elements until it is disposed.
    private static OrtValue Tensor<T>(T[] data, int length, long[] shape)
        where T : unmanaged => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(0, length), shape);

    private static void Return(Array?[] rented)
    {
        foreach (var array in rented)
        {
            switch (array)
            {
                case float[] f: ArrayPool<float>.Shared.Return(f); break;
                case double[] d: ArrayPool<double>.Shared.Return(d); break;
                case long[] l: ArrayPool<long>.Shared.Return(l); break;
                case int[] n: ArrayPool<int>.Shared.Return(n); break;
                case string[] s: ArrayPool<string>.Shared.Return(s, clearArray: true); break;
            }
        }
    }

    /// <summary>The model with its ZipMap's input tensor exposed, when the probabilities come from a ZipMap (not for a
    /// model loaded from its file: its bytes are ORT's to read).</summary>
    private static ExposedProbabilities? ExposeZipMapInput(ModelManifest manifest, byte[] model, string? modelPath)
    {
        if (modelPath is not null || !manifest.IsClassifier || manifest.Onnx.Outputs.Probabilities is not { } probabilities)
        {
            return null;
        }

        try
        {
            return OnnxZipMap.Expose(model, probabilities, manifest);
        }
        catch (FormatException)
        {
            return null; // not protobuf: ONNX Runtime reports it in its own words
        }
    }

    private static void CheckInputs(ModelManifest manifest, InferenceSession session, List<string> problems)
    {
        var inputs = session.InputMetadata;
        for (var i = 0; i < manifest.Onnx.Inputs.Count; i++)
        {
            var mapping = manifest.Onnx.Inputs[i];
            if (!inputs.TryGetValue(mapping.Name, out var node))
            {
                problems.Add($"onnx.inputs[{i}].name: the graph has no input '{mapping.Name}' (it has: {string.Join(", ", session.InputNames)})");
                continue;
            }

            if (!node.IsTensor)
            {
                problems.Add($"onnx.inputs[{i}].name: the graph input '{mapping.Name}' is a {OnnxOutputs.Describe(node)}, not a tensor");
                continue;
            }

            if (node.ElementDataType != OnnxOutputs.ElementTypeOf(mapping.ElementType))
            {
                problems.Add($"onnx.inputs[{i}].elementType: the graph input '{mapping.Name}' is {OnnxOutputs.Describe(node)}, not {mapping.ElementType.ToString().ToLowerInvariant()}");
            }

            var dims = node.Dimensions;
            if (dims.Length != 2)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"onnx.inputs[{i}].name: the graph input '{mapping.Name}' has rank {dims.Length}; Shipyard feeds [rows, features] (rank 2)"));
            }
            else if (dims[1] > 0 && dims[1] != mapping.Features.Count)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"onnx.inputs[{i}].features: the graph input '{mapping.Name}' takes {dims[1]} columns, the manifest packs {mapping.Features.Count}"));
            }
        }
    }
}
