namespace Shipyard.Onnx;

/// <summary>
/// How a session is created. Every property has ORT's own default unless noted, so <c>new OrtSessionOptions()</c>
/// behaves like ORT with no options set.
/// </summary>
public sealed record OrtSessionOptions
{
    /// <summary>Shared instance with all defaults.</summary>
    public static OrtSessionOptions Default { get; } = new();

    /// <summary>Threads used inside one operator. 0 (default) lets ORT pick (one per physical core); 1 runs on the calling thread only.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads used to run independent nodes in parallel; only used with <see cref="ExecutionMode.Parallel"/>. 0 (default) lets ORT pick.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Graph optimizations applied at load. Default <see cref="GraphOptimizationLevel.All"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>Node scheduling within one run. Default <see cref="ExecutionMode.Sequential"/>.</summary>
    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.Sequential;

    /// <summary>Pre-plan memory from the first run's shapes (helps fixed shapes). Default true.</summary>
    public bool EnableMemoryPattern { get; init; } = true;

    /// <summary>Use ORT's CPU memory arena. Default true. Turn off to return memory to the OS between runs.</summary>
    public bool EnableCpuMemoryArena { get; init; } = true;

    /// <summary>If set, ORT writes the optimized graph to this file when the session is created. Default null.</summary>
    public string? OptimizedModelPath { get; init; }

    /// <summary>Execution provider. Default <see cref="ExecutionProvider.Cpu"/>.</summary>
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>What to do when <see cref="ExecutionProvider"/> is a GPU provider that cannot be loaded. Default <see cref="DevicePolicy.Require"/>. Ignored for the CPU.</summary>
    public DevicePolicy DevicePolicy { get; init; } = DevicePolicy.Require;

    /// <summary>GPU ordinal for <see cref="ExecutionProvider.Cuda"/>. Default 0.</summary>
    public int DeviceId { get; init; }

    /// <summary>Identifier ORT puts in this session's log messages (the <c>logid</c> of the log callback). Default null (ORT's own).</summary>
    public string? LogId { get; init; }

    /// <summary>
    /// Extra ORT session configuration entries (<c>AddSessionConfigEntry</c>, keys from
    /// <c>onnxruntime_session_options_config_keys.h</c>, e.g. <c>session.intra_op.allow_spinning</c> = <c>0</c>).
    /// Applied after the typed properties, so an entry wins when both set the same thing. Default none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ConfigEntries { get; init; }
}
