using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Shipyard.Onnx.Internals;

namespace Shipyard.Onnx;

/// <summary>
/// A loaded ONNX model (<c>OrtSession</c>). Thread-safe: many threads may <c>Run</c> one session at the same time
/// (ORT supports it), so create one per model version and share it (a DI singleton).
/// </summary>
/// <remarks>Disposing while runs are in flight is safe: the native session is released when the last run ends.</remarks>
public sealed unsafe partial class InferenceSession : IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly NativeNames _inputNames;
    private readonly NativeNames _outputNames;

    private InferenceSession(OrtSessionHandle handle, ExecutionProvider provider)
    {
        _handle = handle;
        ExecutionProvider = provider;
        try
        {
            Inputs = ReadNodes(isInput: true);
            Outputs = ReadNodes(isInput: false);
            ModelMetadata = ReadModelMetadata();
            _inputNames = new NativeNames(Inputs);
            _outputNames = new NativeNames(Outputs);
            handle.Companion = new CompositeDisposable(_inputNames, _outputNames);
        }
        catch
        {
            _inputNames?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The graph inputs, in graph order.</summary>
    public IReadOnlyList<NodeMetadata> Inputs { get; }

    /// <summary>The graph outputs, in graph order.</summary>
    public IReadOnlyList<NodeMetadata> Outputs { get; }

    /// <summary>Producer, graph name, description, version and custom metadata of the model.</summary>
    public ModelMetadata ModelMetadata { get; }

    /// <summary>The provider the session actually runs on (the CPU after a <see cref="DevicePolicy.PreferGpu"/> fallback).</summary>
    public ExecutionProvider ExecutionProvider { get; }

    /// <summary>Loads a model from an <c>.onnx</c> file.</summary>
    /// <param name="modelPath">Path of the model file.</param>
    /// <param name="options">Session options; null means <see cref="OrtSessionOptions.Default"/>.</param>
    /// <exception cref="OnnxRuntimeException">ORT could not load the model: <see cref="OrtErrorCode.NoSuchFile"/>, <see cref="OrtErrorCode.InvalidProtobuf"/> (corrupt or empty file), <see cref="OrtErrorCode.InvalidGraph"/>, <see cref="OrtErrorCode.NotImplemented"/>, or <see cref="OrtErrorCode.EpFail"/> when a required GPU provider is missing.</exception>
    public static InferenceSession Create(string modelPath, OrtSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile, $"Model file '{fullPath}' does not exist.");
        }

        if (new FileInfo(fullPath).Length == 0)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidProtobuf, $"Model file '{fullPath}' is empty (0 bytes); an ONNX model is a serialized ModelProto.");
        }

        var path = Utf8.Allocate(fullPath);
        try
        {
            return Create(options, (env, sessionOptions, session) => OrtNative.Api->CreateSession(env, path, sessionOptions, session));
        }
        finally
        {
            NativeMemory.Free(path);
        }
    }

    /// <summary>Loads a model from its serialized bytes (ORT copies what it needs; the span is not kept).</summary>
    /// <param name="modelBytes">The serialized ModelProto.</param>
    /// <param name="options">Session options; null means <see cref="OrtSessionOptions.Default"/>.</param>
    /// <exception cref="OnnxRuntimeException"><see cref="OrtErrorCode.InvalidProtobuf"/> for empty or corrupt bytes; otherwise as <see cref="Create(string, OrtSessionOptions?)"/>.</exception>
    public static InferenceSession Create(ReadOnlySpan<byte> modelBytes, OrtSessionOptions? options = null)
    {
        if (modelBytes.IsEmpty)
        {
            OrtThrow.InvalidProtobuf_EmptyModel();
        }

        fixed (byte* bytes = modelBytes)
        {
            var data = bytes;
            var length = (nuint)modelBytes.Length;
            return Create(options, (env, sessionOptions, session) => OrtNative.Api->CreateSessionFromArray(env, data, length, sessionOptions, session));
        }
    }

    /// <summary>Releases the native session (after any runs still in flight).</summary>
    public void Dispose() => _handle.Dispose();

    private delegate OrtStatus* CreateNative(nint env, nint sessionOptions, nint* session);

    private static InferenceSession Create(OrtSessionOptions? options, CreateNative create)
    {
        options ??= OrtSessionOptions.Default;
        var environment = OrtEnvironment.Instance;
        var provider = options.ExecutionProvider;
        if (provider == ExecutionProvider.Cuda)
        {
            try
            {
                return CreateWith(options, ExecutionProvider.Cuda, environment, create);
            }
            catch (OnnxRuntimeException error) when (SessionOptionsBuilder.IsProviderError(error))
            {
                var message = SessionOptionsBuilder.DescribeCudaFailure(error, options.DevicePolicy);
                if (options.DevicePolicy == DevicePolicy.Require)
                {
                    throw new OnnxRuntimeException(OrtErrorCode.EpFail, message, error);
                }

                Log.GpuFallback(environment.LoggerFactory.CreateLogger<InferenceSession>(), message);
            }
        }

        return CreateWith(options, ExecutionProvider.Cpu, environment, create);
    }

    private static InferenceSession CreateWith(OrtSessionOptions options, ExecutionProvider provider, OrtEnvironment environment, CreateNative create)
    {
        using var sessionOptions = SessionOptionsBuilder.Build(options, provider);
        var session = new OrtSessionHandle();
        nint value;
        var env = environment.Handle.DangerousGetHandle();
        OrtNative.ThrowIfFailed(create(env, sessionOptions.DangerousGetHandle(), &value));
        session.Attach(value);
        return new InferenceSession(session, provider);
    }

    private sealed class CompositeDisposable(params IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "{Reason}")]
        public static partial void GpuFallback(ILogger logger, string reason);
    }
}
