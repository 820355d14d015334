namespace Shipyard.Scoring;

/// <summary>A regressor's prediction.</summary>
/// <param name="Value">The predicted value.</param>
public sealed record RegressionPrediction(double Value) : Prediction;
