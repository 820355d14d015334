namespace Shipyard.Scoring;

// Temporary bodies so the interface compiles while the implementation is written.
public sealed partial class PredictionService
{
    public partial Task<PredictionResponse> PredictAsync(PredictionRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public partial Task<InferResponse> InferAsync(string model, string? version, InferRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();
}
