using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Shipyard.Onnx.Internals;

/// <summary>An ORT status object; only ever used through a pointer (null means success).</summary>
internal struct OrtStatus
{
}

/// <summary>
/// The only door to native ONNX Runtime: loads <c>libonnxruntime.so.1</c>, resolves <c>OrtGetApiBase</c>,
/// and exposes the 1.30 function table plus the few process-wide objects every call needs.
/// </summary>
internal static unsafe partial class OrtNative
{
    /// <summary>The <c>OrtApi</c> version this binding is written against (ONNX Runtime 1.30).</summary>
    public const uint ApiVersion = 30;

    /// <summary>File name of the native library (SONAME of the Linux build).</summary>
    public const string LibraryName = "libonnxruntime.so.1";

    /// <summary>Environment variable that points at a specific native library; wins over the copy next to the assembly.</summary>
    public const string LibraryVariable = "ONNXRUNTIME_LIB";

    private static readonly Lazy<nint> _api = new(LoadApi, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string _versionString = "";
    private static string _libraryPath = "";
    private static nint _allocator;
    private static nint _cpuMemoryInfo;

    /// <summary>The function table; loads the library on first use.</summary>
    public static OrtApi* Api
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (OrtApi*)_api.Value;
    }

    /// <summary>ORT's version string (<c>GetVersionString</c>), e.g. <c>1.30.0</c>.</summary>
    public static string VersionString => _api.Value != 0 ? _versionString : "";

    /// <summary>Path of the loaded native library.</summary>
    public static string LibraryPath => _api.Value != 0 ? _libraryPath : "";

    /// <summary>ORT's default CPU allocator (owned by ORT, never released).</summary>
    public static nint Allocator => _api.Value != 0 ? _allocator : 0;

    /// <summary>CPU memory info used for tensors over managed memory (process lifetime).</summary>
    public static nint CpuMemoryInfo => _api.Value != 0 ? _cpuMemoryInfo : 0;

    /// <summary>Throws <see cref="OnnxRuntimeException"/> with ORT's code and message when <paramref name="status"/> is not null; always releases it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ThrowIfFailed(OrtStatus* status)
    {
        if (status != null)
        {
            Throw(status);
        }
    }

    /// <summary>Converts a failed status into an exception (and releases the status); returns null for success.</summary>
    public static OnnxRuntimeException? ToException(OrtStatus* status)
    {
        if (status == null)
        {
            return null;
        }

        try
        {
            var api = Api;
            var code = (OrtErrorCode)api->GetErrorCode(status);
            var message = Utf8.ToString(api->GetErrorMessage(status)) ?? "";
            return new OnnxRuntimeException(code, message.Length == 0 ? $"ONNX Runtime failed with {code}." : message);
        }
        finally
        {
            Api->ReleaseStatus(status);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(OrtStatus* status) => throw ToException(status)!;

    /// <summary>Reads a string ORT allocated with the default allocator and frees it.</summary>
    public static string TakeAllocatedString(byte* value)
    {
        if (value == null)
        {
            return "";
        }

        try
        {
            return Utf8.ToString(value) ?? "";
        }
        finally
        {
            ThrowIfFailed(Api->AllocatorFree(Allocator, value));
        }
    }

    private static nint LoadApi()
    {
        var (library, path) = LoadLibrary();
        var getApiBase = (delegate* unmanaged[Cdecl]<nint*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        // OrtApiBase is { GetApi(uint32_t) -> const OrtApi*, GetVersionString(void) -> const char* }.
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, nint>)apiBase[0];
        var getVersion = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Utf8.ToString(getVersion()) ?? "unknown";
        var api = getApi(ApiVersion);
        if (api == 0)
        {
            throw new OnnxRuntimeException(
                OrtErrorCode.NotImplemented,
                $"The ONNX Runtime library at '{path}' is version {version} and does not provide API version {ApiVersion}; Shipyard.Onnx needs ONNX Runtime 1.30 or later. Point {LibraryVariable} at a newer libonnxruntime.so.1.");
        }

        _versionString = version;
        _libraryPath = path;
        var table = (OrtApi*)api;
        nint allocator;
        ThrowIfFailedDuringLoad(table, table->GetAllocatorWithDefaultOptions(&allocator));
        nint memoryInfo;
        // OrtArenaAllocator = 1, OrtMemTypeDefault = 0: the same CPU memory info the official bindings use for user buffers.
        ThrowIfFailedDuringLoad(table, table->CreateCpuMemoryInfo(1, 0, &memoryInfo));
        _allocator = allocator;
        _cpuMemoryInfo = memoryInfo;
        return api;
    }

    private static void ThrowIfFailedDuringLoad(OrtApi* api, OrtStatus* status)
    {
        if (status == null)
        {
            return;
        }

        var code = (OrtErrorCode)api->GetErrorCode(status);
        var message = Utf8.ToString(api->GetErrorMessage(status)) ?? "";
        api->ReleaseStatus(status);
        throw new OnnxRuntimeException(code, message);
    }

    private static (nint Handle, string Path) LoadLibrary()
    {
        var tried = new List<string>();
        var explicitPath = Environment.GetEnvironmentVariable(LibraryVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            // An explicit choice must not silently fall back to another library.
            if (NativeLibrary.TryLoad(explicitPath, out var handle))
            {
                return (handle, explicitPath);
            }

            throw new DllNotFoundException($"{LibraryVariable} is set to '{explicitPath}', but that file could not be loaded as the ONNX Runtime library. Fix or unset {LibraryVariable}.");
        }

        var assemblyDir = Path.GetDirectoryName(typeof(OrtNative).Assembly.Location);
        foreach (var dir in new[] { assemblyDir, AppContext.BaseDirectory })
        {
            if (string.IsNullOrEmpty(dir))
            {
                continue;
            }

            var candidate = Path.Combine(dir, LibraryName);
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return (handle, candidate);
            }
        }

        tried.Add(LibraryName + " (system search path)");
        if (NativeLibrary.TryLoad(LibraryName, typeof(OrtNative).Assembly, DllImportSearchPath.SafeDirectories, out var systemHandle))
        {
            return (systemHandle, LibraryName);
        }

        throw new DllNotFoundException(
            $"The ONNX Runtime native library could not be loaded. Tried: {string.Join(", ", tried)}. " +
            $"Build the project (it copies {LibraryName} next to the assemblies) or set {LibraryVariable} to a libonnxruntime.so.1 of version 1.30 or later.");
    }
}
