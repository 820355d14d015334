namespace Shipyard.Scoring.Internals;

/// <summary>ONNX Runtime failed while scoring rows of a loaded version, or returned outputs that do not fit its manifest.</summary>
internal sealed class ModelRunException(string model, string version, string message, Exception? inner = null)
    : Exception($"Model '{model}' version '{version}': {message}", inner)
{
    /// <summary>The model name.</summary>
    public string Model { get; } = model;

    /// <summary>The version that failed.</summary>
    public string Version { get; } = version;
}
