namespace Shipyard.Testing;

/// <summary>One samples.csv row.</summary>
/// <param name="Instance">Feature values by name (double or string), ready to serialize as a predict instance.</param>
/// <param name="ExpectedLabel">Classifiers: sklearn's predicted label.</param>
/// <param name="ExpectedProbabilities">Classifiers: sklearn's probability per label.</param>
/// <param name="ExpectedValue">Regressors: sklearn's prediction.</param>
public sealed record SampleCase(
    IReadOnlyDictionary<string, object> Instance,
    string? ExpectedLabel,
    IReadOnlyDictionary<string, double> ExpectedProbabilities,
    double? ExpectedValue);
