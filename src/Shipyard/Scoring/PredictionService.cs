using Shipyard.Models;

namespace Shipyard.Scoring;

/// <summary>
/// Real-time scoring: validates instances against the manifest, routes to a version (explicit version, else
/// canary by sticky <c>X-Request-Key</c> hash or at random, else production), runs the ONNX session (optionally
/// micro-batched with concurrent requests for the same version), maps outputs, logs a sample of predictions, and
/// re-scores production traffic on the shadow version in the background. Thread-safe singleton.
/// </summary>
public sealed partial class PredictionService
{
    /// <summary>Scores <see cref="PredictionRequest.Instances"/>.</summary>
    /// <returns>The predictions and the version that answered.</returns>
    /// <exception cref="ModelNotFoundException">Unknown model, or unknown explicit version (404).</exception>
    /// <exception cref="ModelNotReadyException">The routed version is not loaded or there is no production version (503).</exception>
    /// <exception cref="InvalidInputException">Invalid instances, every field named (400).</exception>
    public partial Task<PredictionResponse> PredictAsync(PredictionRequest request, CancellationToken cancellationToken = default);

    /// <summary>KServe v2 inference. Inputs are one tensor per feature (name = feature, shape [N] or [N,1]) or the ONNX
    /// input itself (name = ONNX input name, shape [N,F], FP32). Outputs: <c>label</c> (BYTES [N]),
    /// <c>probabilities</c> (FP32 [N,C], classes in label order), <c>value</c> (FP32 [N,1]). Routed like <see cref="PredictAsync"/>
    /// when <paramref name="version"/> is null.</summary>
    /// <exception cref="ModelNotFoundException">Unknown model or version (404).</exception>
    /// <exception cref="ModelNotReadyException">Not loaded (503).</exception>
    /// <exception cref="InvalidInputException">Bad tensors, each error's path naming the input (400).</exception>
    public partial Task<InferResponse> InferAsync(string model, string? version, InferRequest request, CancellationToken cancellationToken = default);
}
