using Microsoft.ML.OnnxRuntime;
using Shipyard.Models;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// One thread's ONNX Runtime IO binding for single-row runs, the real-time path's common case: each graph input is bound
/// once over a pinned one-row buffer and each output to the CPU allocator, so a run only packs the row into the buffers
/// and calls <c>RunWithBinding</c>. Against <c>Run(RunOptions, names, values, names)</c> this saves the per-call name
/// look-ups, the input <see cref="OrtValue"/>s and their pinning (docs/benchmarks.md "ONNX Runtime", session 9). Numeric
/// inputs and tensor outputs only; not thread-safe (one per thread, see <see cref="OnnxScorer"/>).
/// </summary>
internal sealed class OnnxRowBinding : IDisposable
{
    private readonly OrtIoBinding _binding;
    private readonly OrtValue[] _inputs;
    private readonly Array[] _buffers;
    private readonly OnnxElementType[] _types;

    public OnnxRowBinding(InferenceSession session, string[] inputNames, OnnxElementType[] types, int[] widths, string[] outputNames)
    {
        _types = types;
        _binding = session.CreateIoBinding();
        _inputs = new OrtValue[inputNames.Length];
        _buffers = new Array[inputNames.Length];
        try
        {
            for (var i = 0; i < inputNames.Length; i++)
            {
                long[] shape = [1, widths[i]];
                (_buffers[i], _inputs[i]) = types[i] switch
                {
                    OnnxElementType.Float => Pinned<float>(widths[i], shape),
                    OnnxElementType.Double => Pinned<double>(widths[i], shape),
                    OnnxElementType.Int64 => Pinned<long>(widths[i], shape),
                    OnnxElementType.Int32 => Pinned<int>(widths[i], shape),
                    _ => throw new ArgumentException($"input {inputNames[i]} is {types[i]}; bound runs take numeric inputs only", nameof(types)),
                };
                _binding.BindInput(inputNames[i], _inputs[i]);
            }

            foreach (var name in outputNames)
            {
                _binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Whether single-row runs of this graph can be bound: numeric inputs, tensor outputs, on the CPU.</summary>
    public static bool Fits(InferenceSession session, OnnxElementType[] types, string[] outputNames, string executionProvider) =>
        executionProvider == OnnxSessionFactory.Cpu &&
        types.All(t => t is OnnxElementType.Float or OnnxElementType.Double or OnnxElementType.Int64 or OnnxElementType.Int32) &&
        outputNames.All(n => session.OutputMetadata.TryGetValue(n, out var m) && m.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR);

    /// <summary>Packs row <paramref name="row"/> of <paramref name="input"/>, runs, and reads the outputs into row <paramref name="row"/> of <paramref name="target"/>.</summary>
    public void Run<TInput>(InferenceSession session, RunOptions options, ref TInput input, int row, OnnxOutputs outputs, ScoreTarget target)
        where TInput : struct, IScoringInput
    {
        for (var i = 0; i < _buffers.Length; i++)
        {
            switch (_types[i])
            {
                case OnnxElementType.Float: input.PackFloat(i, row, 1, (float[])_buffers[i]); break;
                case OnnxElementType.Double: input.PackDouble(i, row, 1, (double[])_buffers[i]); break;
                case OnnxElementType.Int64: input.PackInt64(i, row, 1, (long[])_buffers[i]); break;
                default: input.PackInt32(i, row, 1, (int[])_buffers[i]); break;
            }
        }

        session.RunWithBinding(options, _binding);
        using var results = _binding.GetOutputValues();
        outputs.Read(results, 1, target, row);
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _inputs)
        {
            value?.Dispose();
        }
    }

    // The pinned object heap: the buffer never moves while the bound tensor points at it.
    private static (Array, OrtValue) Pinned<T>(int width, long[] shape)
        where T : unmanaged
    {
        var buffer = GC.AllocateArray<T>(width, pinned: true);
        return (buffer, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(), shape));
    }
}
