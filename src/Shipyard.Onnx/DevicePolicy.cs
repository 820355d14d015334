namespace Shipyard.Onnx;

/// <summary>What happens when the requested GPU execution provider cannot be used.</summary>
public enum DevicePolicy
{
    /// <summary>Creating the session fails with an <see cref="OnnxRuntimeException"/> that names the missing provider library.</summary>
    Require = 0,
    /// <summary>A warning is logged and the session runs on the CPU; <see cref="InferenceSession.ExecutionProvider"/> tells which one was used.</summary>
    PreferGpu = 1,
}
