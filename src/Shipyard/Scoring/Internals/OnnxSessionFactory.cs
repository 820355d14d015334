using Microsoft.ML.OnnxRuntime;
using Shipyard.Models;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// Creates ONNX Runtime sessions for model versions: the one place that chooses the execution provider (the CPU, or
/// CUDA when the manifest asks, falling back to the CPU under <see cref="DevicePolicy.PreferGpu"/>) and sets threads
/// and graph optimization. Sessions are long-lived, one per loaded version, and thread-safe for concurrent runs.
/// </summary>
internal static class OnnxSessionFactory
{
    /// <summary>Execution provider names as the registry reports them.</summary>
    public const string Cpu = "CPU";

    /// <inheritdoc cref="Cpu" />
    public const string Cuda = "CUDA";

    /// <summary>
    /// A session over <paramref name="model"/> (serialized bytes), or over the file <paramref name="modelPath"/> when
    /// given (needed when the model's external data lives beside it: ORT resolves it against the file's folder).
    /// </summary>
    /// <param name="model">The serialized model.</param>
    /// <param name="modelPath">The model's file, or null to load <paramref name="model"/> from memory.</param>
    /// <param name="runtime">The manifest's <c>runtime</c> settings.</param>
    /// <param name="logId">Names the session in ONNX Runtime's own log lines (model/version).</param>
    /// <exception cref="SessionCreateException">ORT could not load the model, or CUDA was required and is unavailable.</exception>
    public static (InferenceSession Session, string Provider, string? Fallback) Create(byte[] model, string? modelPath, RuntimeSettings runtime, string logId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(runtime);
        string? fallback = null;
        if (runtime.Device == ComputeDevice.Cuda)
        {
            try
            {
                return (CreateWith(model, modelPath, runtime, logId, cuda: true), Cuda, null);
            }
            catch (SessionCreateException error) when (error.ProviderFailed)
            {
                var message = DescribeCudaFailure(error, runtime.DevicePolicy);
                if (runtime.DevicePolicy == DevicePolicy.Require)
                {
                    throw new SessionCreateException(message, providerFailed: true, error);
                }

                fallback = message;
            }
        }

        return (CreateWith(model, modelPath, runtime, logId, cuda: false), Cpu, fallback);
    }

    private static InferenceSession CreateWith(byte[] model, string? modelPath, RuntimeSettings runtime, string logId, bool cuda)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = runtime.IntraOpThreads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogId = logId,
        };
        if (cuda)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception error) when (error is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                // The CPU build of ONNX Runtime lacks the CUDA entry point altogether; a GPU build whose provider library
                // or CUDA libraries cannot load fails in ORT itself.
                throw new SessionCreateException(error.Message, providerFailed: true, error);
            }
        }

        try
        {
            return modelPath is null ? new InferenceSession(model, options) : new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new SessionCreateException("ONNX Runtime could not load model.onnx: " + error.Message, cuda && IsProviderError(error), error);
        }
    }

    /// <summary>True when a session-creation failure names the execution provider, so a CPU session may still work.</summary>
    private static bool IsProviderError(OnnxRuntimeException error) =>
        error.Message.Contains("EPFail", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("CUDA", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("execution provider", StringComparison.OrdinalIgnoreCase);

    private static string DescribeCudaFailure(SessionCreateException error, DevicePolicy policy)
    {
        var action = policy == DevicePolicy.Require
            ? "The version is not loaded (runtime.devicePolicy \"require\")."
            : "Running on the CPU instead (runtime.devicePolicy \"prefer-gpu\").";
        return "The CUDA execution provider could not be enabled: it needs the Microsoft.ML.OnnxRuntime.Gpu.Linux build " +
               "(libonnxruntime_providers_cuda.so), the CUDA and cuDNN runtime libraries it links, and a visible GPU. " +
               $"{action} ONNX Runtime said: {error.Message}";
    }
}
