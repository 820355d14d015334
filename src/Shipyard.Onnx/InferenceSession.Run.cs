using Shipyard.Onnx.Internals;

namespace Shipyard.Onnx;

public sealed unsafe partial class InferenceSession
{
    // Above this many inputs or outputs the per-call pointer arrays go to the heap instead of the stack.
    private const int StackLimit = 64;

    /// <summary>Runs the model and returns every graph output, in graph order.</summary>
    /// <inheritdoc cref="Run(ReadOnlySpan{NamedOrtValue}, ReadOnlySpan{string}, CancellationToken)"/>
    public OrtValueCollection Run(ReadOnlySpan<NamedOrtValue> inputs, CancellationToken cancellationToken = default) =>
        Run(inputs, [], cancellationToken);

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> and returns the requested outputs. Safe to call from many threads at once.
    /// </summary>
    /// <param name="inputs">Named inputs; the values stay owned by the caller (dispose them after the run).</param>
    /// <param name="outputNames">Outputs to compute, in the order wanted; empty means all outputs in graph order.</param>
    /// <param name="cancellationToken">Cancels the run: ORT's terminate flag is set and the run stops at the next node boundary.</param>
    /// <returns>The outputs; the caller disposes the collection, which invalidates spans read from it.</returns>
    /// <exception cref="OnnxRuntimeException">An unknown input or output name, a duplicated input, a missing input, a wrong element type or shape, or any other ORT failure (with ORT's code and message).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before or during the run.</exception>
    /// <exception cref="ObjectDisposedException">The session or an input value was disposed.</exception>
    public OrtValueCollection Run(ReadOnlySpan<NamedOrtValue> inputs, ReadOnlySpan<string> outputNames, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);

        var inputCount = inputs.Length;
        var allOutputs = outputNames.IsEmpty;
        var outputCount = allOutputs ? _outputNames.Names.Length : outputNames.Length;

        Span<nint> inputValues = inputCount <= StackLimit ? stackalloc nint[inputCount] : new nint[inputCount];
        Span<nint> inputNamePointers = inputCount <= StackLimit ? stackalloc nint[inputCount] : new nint[inputCount];
        Span<nint> outputValues = outputCount <= StackLimit ? stackalloc nint[outputCount] : new nint[outputCount];
        Span<nint> outputNamePointers = allOutputs ? default : outputCount <= StackLimit ? stackalloc nint[outputCount] : new nint[outputCount];
        outputValues.Clear();

        // Resolve every name before touching native state, so a bad name costs nothing to clean up.
        for (var i = 0; i < inputCount; i++)
        {
            var (name, value) = inputs[i];
            ArgumentNullException.ThrowIfNull(name, "inputs[].Name");
            ArgumentNullException.ThrowIfNull(value, "inputs[].Value");
            if (!_inputNames.TryGetIndex(name, out var index))
            {
                OrtThrow.InvalidArgument_UnknownName("input", name, _inputNames.Names);
            }

            for (var j = 0; j < i; j++)
            {
                if (inputNamePointers[j] == (nint)_inputNames.Pointers[index])
                {
                    OrtThrow.InvalidArgument_DuplicateInput(name);
                }
            }

            inputNamePointers[i] = (nint)_inputNames.Pointers[index];
        }

        // Names are known and distinct, so fewer inputs than the graph has means some are missing (ORT reports that as a generic failure).
        if (inputCount < _inputNames.Names.Length)
        {
            ThrowMissingInputs(inputs);
        }

        string[] resultNames;
        if (allOutputs)
        {
            resultNames = _outputNames.Names;
        }
        else
        {
            resultNames = outputNames.ToArray();
            for (var i = 0; i < outputCount; i++)
            {
                ArgumentNullException.ThrowIfNull(resultNames[i], "outputNames[]");
                if (!_outputNames.TryGetIndex(resultNames[i], out var index))
                {
                    OrtThrow.InvalidArgument_UnknownName("output", resultNames[i], _outputNames.Names);
                }

                outputNamePointers[i] = (nint)_outputNames.Pointers[index];
            }
        }

        // Keep the session and every input alive for the duration of the native call, even if another thread disposes them.
        var sessionAdded = false;
        var inputsAdded = 0;
        OrtRunOptionsHandle? runOptions = null;
        CancellationTokenRegistration registration = default;
        try
        {
            _handle.DangerousAddRef(ref sessionAdded);
            for (; inputsAdded < inputCount; inputsAdded++)
            {
                var handle = inputs[inputsAdded].Value.Handle;
                var added = false;
                handle.DangerousAddRef(ref added);
                inputValues[inputsAdded] = handle.DangerousGetHandle();
            }

            if (cancellationToken.CanBeCanceled)
            {
                runOptions = CreateRunOptions();
                registration = cancellationToken.UnsafeRegister(static state => Terminate((OrtRunOptionsHandle)state!), runOptions);
            }

            OrtStatus* status;
            fixed (nint* inNames = inputNamePointers)
            fixed (nint* inValues = inputValues)
            fixed (nint* outNames = outputNamePointers)
            fixed (nint* outValues = outputValues)
            {
                status = OrtNative.Api->Run(
                    _handle.DangerousGetHandle(),
                    runOptions is null ? 0 : runOptions.DangerousGetHandle(),
                    (byte**)inNames,
                    inValues,
                    (nuint)inputCount,
                    allOutputs ? _outputNames.Pointers : (byte**)outNames,
                    (nuint)outputCount,
                    outValues);
            }

            // Wait for a cancellation callback in flight before the run options are released below.
            registration.Dispose();
            if (status != null)
            {
                var error = OrtNative.ToException(status)!;
                if (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The ONNX Runtime run was cancelled.", error, cancellationToken);
                }

                throw error;
            }

            return WrapOutputs(resultNames, outputValues);
        }
        finally
        {
            registration.Dispose();
            runOptions?.Dispose();
            for (var i = 0; i < inputsAdded; i++)
            {
                inputs[i].Value.Handle.DangerousRelease();
            }

            if (sessionAdded)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private void ThrowMissingInputs(ReadOnlySpan<NamedOrtValue> inputs)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            given.Add(input.Name);
        }

        var missing = _inputNames.Names.Where(n => !given.Contains(n)).Select(n => "'" + n + "'");
        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"Missing input(s): {string.Join(", ", missing)}. The model needs: {string.Join(", ", _inputNames.Names.Select(n => "'" + n + "'"))}.");
    }

    private static OrtValueCollection WrapOutputs(string[] names, Span<nint> outputValues)
    {
        var values = new OrtValue[outputValues.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (outputValues[i] == 0)
            {
                for (var j = i; j < values.Length; j++)
                {
                    if (outputValues[j] != 0)
                    {
                        OrtNative.Api->ReleaseValue(outputValues[j]);
                    }
                }

                foreach (var made in values.AsSpan(0, i))
                {
                    made.Dispose();
                }

                throw new OnnxRuntimeException(OrtErrorCode.Fail, $"ONNX Runtime produced no value for output '{names[i]}' (an optional output the graph did not compute).");
            }

            values[i] = OrtValue.FromNative(outputValues[i]);
        }

        return new OrtValueCollection(names, values);
    }

    private static OrtRunOptionsHandle CreateRunOptions()
    {
        var handle = new OrtRunOptionsHandle();
        nint value;
        OrtNative.ThrowIfFailed(OrtNative.Api->CreateRunOptions(&value));
        handle.Attach(value);
        return handle;
    }

    private static void Terminate(OrtRunOptionsHandle runOptions)
    {
        // Runs on the thread that cancels the token; the registration is disposed before runOptions is released.
        var status = OrtNative.Api->RunOptionsSetTerminate(runOptions.DangerousGetHandle());
        OrtNative.ToException(status);
    }
}
