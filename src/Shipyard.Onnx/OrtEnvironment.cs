using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Onnx.Internals;

namespace Shipyard.Onnx;

/// <summary>
/// The process-wide ONNX Runtime environment (<c>OrtEnv</c>): loads the native library, owns ORT's logger and
/// lives until the process exits. ORT allows one environment per process, so this is a singleton; every
/// <see cref="InferenceSession"/> uses it.
/// </summary>
/// <remarks>
/// ORT's own log messages are routed to the <see cref="ILogger"/> given to <see cref="ConfigureLogging"/>
/// (category <c>OnnxRuntime</c>); until then they are dropped. Thread-safe.
/// </remarks>
#pragma warning disable CA1001 // The environment lives for the whole process (ORT allows one per process); it is never disposed.
#pragma warning disable CA1822 // Instance members on purpose: callers reach process-wide state through the singleton.
public sealed unsafe partial class OrtEnvironment
#pragma warning restore CA1001
{
    /// <summary>Logger category of ORT's own messages.</summary>
    public const string LogCategory = "OnnxRuntime";

    private static readonly Lazy<OrtEnvironment> _instance = new(() => new OrtEnvironment(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly OrtEnvHandle _handle;
    private readonly Lock _gate = new();

    // Static so the native callback can reach it even while the environment is still being created.
    private static volatile LogSink _sink = new(NullLoggerFactory.Instance, OrtLogLevel.Warning);

    private OrtEnvironment()
    {
        var api = OrtNative.Api;
        _handle = new OrtEnvHandle();
        nint env;
        var logId = Utf8.Allocate("shipyard");
        try
        {
            OrtNative.ThrowIfFailed(api->CreateEnvWithCustomLogger(&OnLog, 0, (int)OrtLogLevel.Warning, logId, &env));
        }
        finally
        {
            NativeMemory.Free(logId);
        }

        _handle.Attach(env);
        AvailableProviders = ReadAvailableProviders(api);
    }

    /// <summary>The environment, created (and the native library loaded) on first use.</summary>
    /// <exception cref="DllNotFoundException">The native library could not be found or loaded; the message lists the paths tried.</exception>
    public static OrtEnvironment Instance => _instance.Value;

    /// <summary>ONNX Runtime's version, e.g. <c>1.30.0</c>.</summary>
    public string Version => OrtNative.VersionString;

    /// <summary>Full path of the loaded <c>libonnxruntime.so.1</c> (the <c>ONNXRUNTIME_LIB</c> environment variable wins over the copy next to the assembly).</summary>
    public string LibraryPath => OrtNative.LibraryPath;

    /// <summary>Execution providers compiled into the loaded library (e.g. <c>CPUExecutionProvider</c>); a listed GPU provider may still fail to load its own library.</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>The minimum severity ORT currently reports.</summary>
    public OrtLogLevel LogLevel => _sink.MinimumLevel;

    /// <summary>The logger factory given to <see cref="ConfigureLogging"/> (also used for the binding's own warnings, such as a GPU fallback).</summary>
    public ILoggerFactory LoggerFactory => _sink.Factory;

    internal OrtEnvHandle Handle => _handle;

    /// <summary>
    /// Routes ORT's log messages with at least <paramref name="minimumLevel"/> to <paramref name="loggerFactory"/>
    /// (category <see cref="LogCategory"/>). Process-wide: the last call wins. Verbose is very chatty; use it only to debug.
    /// </summary>
    public void ConfigureLogging(ILoggerFactory loggerFactory, OrtLogLevel minimumLevel = OrtLogLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (minimumLevel is < OrtLogLevel.Verbose or > OrtLogLevel.Fatal)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumLevel), minimumLevel, "Use one of the OrtLogLevel values.");
        }

        lock (_gate)
        {
            _sink = new LogSink(loggerFactory, minimumLevel);
            OrtNative.ThrowIfFailed(OrtNative.Api->UpdateEnvWithCustomLogLevel(_handle.DangerousGetHandle(), (int)minimumLevel));
        }
    }

    private static string[] ReadAvailableProviders(OrtApi* api)
    {
        byte** names;
        int count;
        OrtNative.ThrowIfFailed(api->GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Utf8.ToString(names[i]) ?? "";
            }

            return result;
        }
        finally
        {
            OrtNative.ThrowIfFailed(api->ReleaseAvailableProviders(names, count));
        }
    }

    // Called by ORT on its own threads; must never throw back into native code.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(nint param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        try
        {
            var sink = _sink;
            var level = severity switch
            {
                0 => Microsoft.Extensions.Logging.LogLevel.Trace,
                1 => Microsoft.Extensions.Logging.LogLevel.Information,
                2 => Microsoft.Extensions.Logging.LogLevel.Warning,
                3 => Microsoft.Extensions.Logging.LogLevel.Error,
                _ => Microsoft.Extensions.Logging.LogLevel.Critical,
            };
            if (!sink.Logger.IsEnabled(level))
            {
                return;
            }

            var categoryText = Utf8.ToString(category) ?? "";
            var logIdText = Utf8.ToString(logId) ?? "";
            var messageText = Utf8.ToString(message) ?? "";
            var locationText = Utf8.ToString(codeLocation) ?? "";
            LogOrtMessage(sink.Logger, level, categoryText, logIdText, messageText, locationText);
        }
#pragma warning disable CA1031 // A logging failure must not unwind into ORT's native frames.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(EventId = 1, Message = "[{OrtCategory}] {OrtMessage} (logid {OrtLogId}, {OrtCodeLocation})")]
    private static partial void LogOrtMessage(ILogger logger, Microsoft.Extensions.Logging.LogLevel level, string ortCategory, string ortLogId, string ortMessage, string ortCodeLocation);

    private sealed class LogSink(ILoggerFactory factory, OrtLogLevel minimumLevel)
    {
        public ILoggerFactory Factory { get; } = factory;

        public OrtLogLevel MinimumLevel { get; } = minimumLevel;

        public ILogger Logger { get; } = factory.CreateLogger(LogCategory);
    }
}
