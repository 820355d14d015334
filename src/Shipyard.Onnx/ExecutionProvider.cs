namespace Shipyard.Onnx;

/// <summary>The hardware a session runs on.</summary>
public enum ExecutionProvider
{
    /// <summary>ORT's CPU execution provider (always available).</summary>
    Cpu = 0,
    /// <summary>NVIDIA CUDA (needs <c>libonnxruntime_providers_cuda.so</c>, <c>libonnxruntime_providers_shared.so</c>, CUDA and cuDNN).</summary>
    Cuda = 1,
}
