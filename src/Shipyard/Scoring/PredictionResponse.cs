namespace Shipyard.Scoring;

/// <summary>The answer to a <see cref="PredictionRequest"/>: <c>{"model":"…","version":"…","predictions":[…]}</c>.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The version that answered (production, canary or the explicit version).</param>
/// <param name="Predictions">One prediction per instance, in request order.</param>
public sealed record PredictionResponse(string Model, string Version, IReadOnlyList<Prediction> Predictions);
