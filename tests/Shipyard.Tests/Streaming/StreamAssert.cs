using System.Text.Json;
using Shipyard.Tests.Models;
using Xunit;

namespace Shipyard.Tests.Streaming;

/// <summary>Assertions on result messages against samples.csv (sklearn's own outputs).</summary>
internal static class StreamAssert
{
    /// <summary>Tolerance on probabilities and values: float32 ONNX vs float64 sklearn (as SamplePredictionTests).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>A result's prediction equals row <paramref name="row"/> of the samples.</summary>
    public static void Prediction(SampleData samples, int row, JsonElement prediction)
    {
        if (samples.Labels.Count > 0)
        {
            Assert.Equal(samples.Labels[row], prediction.GetProperty("label").GetString());
            var probabilities = prediction.GetProperty("probabilities");
            Assert.Equal(samples.Probabilities[row].Keys.Order(), probabilities.EnumerateObject().Select(p => p.Name).Order());
            foreach (var (label, expected) in samples.Probabilities[row])
            {
                var actual = probabilities.GetProperty(label).GetDouble();
                Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{samples.Model}/{samples.Version} row {row} p({label}) = {actual}, sklearn {expected}");
            }
        }
        else
        {
            var actual = prediction.GetProperty("value").GetDouble();
            Assert.True(Math.Abs(samples.Values[row] - actual) <= Tolerance, $"{samples.Model}/{samples.Version} row {row} value = {actual}, sklearn {samples.Values[row]}");
        }
    }

    /// <summary>A scored result for <paramref name="id"/> whose predictions equal rows [start, start+count) of the samples.</summary>
    public static void Scored(string text, string id, SampleData samples, int start, int count)
    {
        var result = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["id", "model", "version", "predictions"], result.EnumerateObject().Select(p => p.Name));
        Assert.Equal(id, result.GetProperty("id").GetString());
        Assert.Equal(samples.Model, result.GetProperty("model").GetString());
        Assert.Equal(samples.Version, result.GetProperty("version").GetString());
        var predictions = result.GetProperty("predictions");
        Assert.Equal(count, predictions.GetArrayLength());
        for (var i = 0; i < count; i++)
        {
            Prediction(samples, start + i, predictions[i]);
        }
    }

    /// <summary>An error result: exactly <c>{"id","error":{"type","title","errors":[…]}}</c>; returns the errors as (path, message).</summary>
    public static List<(string Path, string Message)> Error(string text, string? id, string type)
    {
        var result = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["id", "error"], result.EnumerateObject().Select(p => p.Name));
        if (id is null)
        {
            Assert.Equal(JsonValueKind.Null, result.GetProperty("id").ValueKind);
        }
        else
        {
            Assert.Equal(id, result.GetProperty("id").GetString());
        }

        var error = result.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("title").GetString()));
        return error.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("path").GetString()!, e.GetProperty("message").GetString()!))
            .ToList();
    }
}
