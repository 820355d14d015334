namespace Shipyard.Scoring.Internals;

/// <summary>ONNX Runtime could not create a session for a model version; the message says why (ORT's own words).</summary>
internal sealed class SessionCreateException(string message, bool providerFailed, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>True when the requested execution provider (CUDA) failed, so the CPU may still load the model.</summary>
    public bool ProviderFailed { get; } = providerFailed;
}
