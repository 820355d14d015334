using Shipyard.Testing;
using System.Text.Json;
using Xunit;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>Compares a served prediction with a samples.csv row.</summary>
public static class PredictionAssert
{
    // ONNX Runtime computes in float32, sklearn in float64: the documented tolerance of the sample check.
    private const double ProbabilityTolerance = 1e-4;
    private const double RelativeValueTolerance = 1e-4;

    /// <summary>Label and every probability (within 1e-4), or the value (relative 1e-4).</summary>
    public static void Equal(SampleCase expected, JsonElement prediction, string what)
    {
        if (expected.ExpectedValue is { } value)
        {
            var actual = prediction.GetProperty("value").GetDouble();
            Assert.True(Math.Abs(actual - value) <= RelativeValueTolerance * Math.Max(1, Math.Abs(value)), $"{what}: value {actual} vs sklearn {value}");
            return;
        }

        Assert.Equal(expected.ExpectedLabel, prediction.GetProperty("label").GetString());
        var probabilities = prediction.GetProperty("probabilities");
        Assert.Equal(expected.ExpectedProbabilities.Count, probabilities.EnumerateObject().Count());
        foreach (var (label, p) in expected.ExpectedProbabilities)
        {
            var actual = probabilities.GetProperty(label).GetDouble();
            Assert.True(Math.Abs(actual - p) <= ProbabilityTolerance, $"{what}: P({label}) {actual} vs sklearn {p}");
        }
    }

}
