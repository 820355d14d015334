using Shipyard.Http.Bodies;
using Shipyard.Scoring;

namespace Shipyard.Http.Apis;

/// <summary>What the predict handlers need, bound with <c>[AsParameters]</c>.</summary>
/// <param name="Predictions">The domain's prediction service.</param>
/// <param name="Reader">Reads the JSON body under the configured limits.</param>
/// <param name="HttpContext">The request.</param>
public sealed record PredictDependencies(PredictionService Predictions, JsonRequestReader Reader, HttpContext HttpContext);
