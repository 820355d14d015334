using System.Runtime.InteropServices;

namespace Shipyard.Onnx.Internals;

/// <summary>Turns an <see cref="OrtSessionOptions"/> record into a native <c>OrtSessionOptions</c>.</summary>
internal static unsafe class SessionOptionsBuilder
{
    /// <summary>Library ORT loads for the CUDA execution provider (next to libonnxruntime.so.1).</summary>
    public const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>Bridge library every shared-library provider needs.</summary>
    public const string SharedProviderLibrary = "libonnxruntime_providers_shared.so";

    public static OrtSessionOptionsHandle Build(OrtSessionOptions options, ExecutionProvider provider)
    {
        var api = OrtNative.Api;
        var handle = new OrtSessionOptionsHandle();
        try
        {
            nint created;
            OrtNative.ThrowIfFailed(api->CreateSessionOptions(&created));
            handle.Attach(created);
            var value = created;
            if (options.IntraOpThreads < 0 || options.InterOpThreads < 0)
            {
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"Thread counts must be >= 0 (0 = ORT's choice); got IntraOpThreads={options.IntraOpThreads}, InterOpThreads={options.InterOpThreads}.");
            }

            OrtNative.ThrowIfFailed(api->SetIntraOpNumThreads(value, options.IntraOpThreads));
            OrtNative.ThrowIfFailed(api->SetInterOpNumThreads(value, options.InterOpThreads));
            OrtNative.ThrowIfFailed(api->SetSessionGraphOptimizationLevel(value, (int)options.GraphOptimizationLevel));
            OrtNative.ThrowIfFailed(api->SetSessionExecutionMode(value, (int)options.ExecutionMode));
            OrtNative.ThrowIfFailed(options.EnableMemoryPattern ? api->EnableMemPattern(value) : api->DisableMemPattern(value));
            OrtNative.ThrowIfFailed(options.EnableCpuMemoryArena ? api->EnableCpuMemArena(value) : api->DisableCpuMemArena(value));
            if (!string.IsNullOrEmpty(options.OptimizedModelPath))
            {
                WithUtf8(Path.GetFullPath(options.OptimizedModelPath), p => api->SetOptimizedModelFilePath(value, p));
            }

            if (!string.IsNullOrEmpty(options.LogId))
            {
                WithUtf8(options.LogId, p => api->SetSessionLogId(value, p));
            }

            foreach (var (key, entry) in options.ConfigEntries ?? new Dictionary<string, string>())
            {
                var k = Utf8.Allocate(key);
                var v = Utf8.Allocate(entry);
                try
                {
                    OrtNative.ThrowIfFailed(api->AddSessionConfigEntry(value, k, v));
                }
                finally
                {
                    NativeMemory.Free(k);
                    NativeMemory.Free(v);
                }
            }

            if (provider == ExecutionProvider.Cuda)
            {
                try
                {
                    AppendCuda(value, options.DeviceId);
                }
                catch (OnnxRuntimeException error)
                {
                    // Mark it so the caller applies the device policy to this failure and not to, say, a corrupt model.
                    error.Data[ProviderErrorKey] = true;
                    throw;
                }
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private const string ProviderErrorKey = "Shipyard.Onnx.ProviderError";

    /// <summary>
    /// True when the error came from loading or initializing an execution provider (so a CPU retry can help): raised
    /// while appending the provider, or an EP failure / a message naming CUDA or a provider when the session was created.
    /// </summary>
    public static bool IsProviderError(OnnxRuntimeException error) =>
        error.Data.Contains(ProviderErrorKey)
        || error.ErrorCode == OrtErrorCode.EpFail
        || error.Message.Contains("CUDA", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("execution provider", StringComparison.OrdinalIgnoreCase);

    public static string DescribeCudaFailure(OnnxRuntimeException error, DevicePolicy policy)
    {
        var action = policy == DevicePolicy.Require
            ? "The session was not created (DevicePolicy.Require)."
            : "Falling back to the CPU execution provider (DevicePolicy.PreferGpu).";
        return $"The CUDA execution provider could not be enabled: it needs {CudaProviderLibrary} and {SharedProviderLibrary} next to " +
               $"{OrtNative.LibraryPath} plus the CUDA 12 and cuDNN 9 runtime libraries and a visible GPU. {action} ONNX Runtime said: {error.Message}";
    }

    private static void AppendCuda(nint sessionOptions, int deviceId)
    {
        var api = OrtNative.Api;
        using var cuda = new OrtCudaProviderOptionsHandle();
        nint value;
        OrtNative.ThrowIfFailed(api->CreateCUDAProviderOptions(&value));
        cuda.Attach(value);
        var key = Utf8.Allocate("device_id");
        var id = Utf8.Allocate(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            OrtNative.ThrowIfFailed(api->UpdateCUDAProviderOptions(value, &key, &id, 1));
        }
        finally
        {
            NativeMemory.Free(key);
            NativeMemory.Free(id);
        }

        OrtNative.ThrowIfFailed(api->SessionOptionsAppendExecutionProvider_CUDA_V2(sessionOptions, value));
    }

    private delegate OrtStatus* Utf8Call(byte* value);

    private static void WithUtf8(string text, Utf8Call call)
    {
        var value = Utf8.Allocate(text);
        try
        {
            OrtNative.ThrowIfFailed(call(value));
        }
        finally
        {
            NativeMemory.Free(value);
        }
    }
}
