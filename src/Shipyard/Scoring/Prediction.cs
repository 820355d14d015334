using System.Text.Json.Serialization;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>One instance's prediction: a <see cref="ClassPrediction"/> or a <see cref="RegressionPrediction"/>.
/// Serializes as <c>{"label":"…","probabilities":{"&lt;label&gt;":p,…}}</c> or <c>{"value":x}</c> (DESIGN.md §3).</summary>
[JsonConverter(typeof(PredictionJsonConverter))]
public abstract record Prediction;
