using System.Text.Json.Serialization;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>One instance's prediction: a <see cref="ClassPrediction"/> or a <see cref="RegressionPrediction"/>.
/// Serializes as <c>{"label":"…","probabilities":{"&lt;label&gt;":p,…},"predictionId":"…"}</c> or
/// <c>{"value":x,"predictionId":"…"}</c> (DESIGN.md §3).</summary>
[JsonConverter(typeof(PredictionJsonConverter))]
public abstract record Prediction
{
    /// <summary>The id outcomes name this prediction by (<see cref="PredictionIds"/>); null where none was given (batch).</summary>
    public string? PredictionId { get; init; }
}
