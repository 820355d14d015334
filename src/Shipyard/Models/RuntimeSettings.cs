namespace Shipyard.Models;

/// <summary>How a version's ONNX session is built, as <c>model.json</c> <c>runtime</c> (every key optional).</summary>
public sealed record RuntimeSettings
{
    /// <summary>Execution device (default <see cref="ComputeDevice.Cpu"/>).</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>What happens when <see cref="Device"/> is unavailable (default <see cref="DevicePolicy.PreferGpu"/>).</summary>
    public DevicePolicy DevicePolicy { get; init; } = DevicePolicy.PreferGpu;

    /// <summary>ONNX Runtime intra-op threads (default 1: request-level parallelism beats op-level for small models).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Most rows per ONNX run: larger requests are scored in chunks of this size and micro-batches stop growing here (default 1024).</summary>
    public int MaxBatch { get; init; } = 1024;
}
