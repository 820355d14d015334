namespace Shipyard.Scoring;

/// <summary>A classifier's prediction.</summary>
/// <param name="Label">The predicted class label.</param>
/// <param name="Probabilities">Probability per class label, in label order (empty when the model has no probabilities output).</param>
public sealed record ClassPrediction(string Label, IReadOnlyDictionary<string, double> Probabilities) : Prediction;
