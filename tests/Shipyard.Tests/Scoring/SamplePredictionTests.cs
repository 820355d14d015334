using Shipyard.Scoring;
using Shipyard.Tests.Models;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>Every bundled model, through the real ONNX Runtime, must reproduce sklearn's own outputs in samples.csv.</summary>
public class SamplePredictionTests
{
    [Theory]
    [MemberData(nameof(SampleData.Packages), MemberType = typeof(SampleData))]
    public async Task PredictAsync_EverySample_EqualsSklearnExpectations(string model, string version)
    {
        await using var world = await TestWorld.StartAsync();
        var samples = SampleData.Load(model, version);

        var response = await world.Service.PredictAsync(new PredictionRequest { Model = model, Version = version, Instances = PredictionInstances.From(samples.Instances()) });

        Assert.Equal(model, response.Model);
        Assert.Equal(version, response.Version);
        Assert.Equal(samples.Rows.Count, response.Predictions.Count);
        for (var r = 0; r < samples.Rows.Count; r++)
        {
            switch (response.Predictions[r])
            {
                case ClassPrediction c:
                    Assert.Equal(samples.Labels[r], c.Label);
                    Assert.Equal(samples.Probabilities[r].Keys.Order(), c.Probabilities.Keys.Order());
                    foreach (var (label, expected) in samples.Probabilities[r])
                    {
                        Assert.True(Math.Abs(expected - c.Probabilities[label]) <= 1e-5, $"row {r} p({label}) = {c.Probabilities[label]}, sklearn {expected}");
                    }

                    break;
                case RegressionPrediction v:
                    Assert.True(Math.Abs(samples.Values[r] - v.Value) <= 1e-5, $"row {r} value = {v.Value}, sklearn {samples.Values[r]}");
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(SampleData.Packages), MemberType = typeof(SampleData))]
    public async Task InferAsync_OnnxInputTensor_EqualsRestPredictions(string model, string version)
    {
        await using var world = await TestWorld.StartAsync();
        var samples = SampleData.Load(model, version);
        var rest = await world.Service.PredictAsync(new PredictionRequest { Model = model, Version = version, Instances = PredictionInstances.From(samples.Instances(0, 20)) });
        var manifest = world.Registry.Find(model)!.Versions.Single(v => v.Version == version).Manifest!;
        var flat = samples.Rows.Take(20).SelectMany(r => r).Select(v => (float)v).ToArray();
        var request = new InferRequest
        {
            Id = "42",
            Inputs = [new InferInputTensor { Name = manifest.Onnx.Inputs[0].Name, Shape = [20, samples.Features.Length], Datatype = "FP32", Data = System.Text.Json.JsonSerializer.SerializeToElement(flat) }],
        };

        var response = await world.Service.InferAsync(model, version, request);

        Assert.Equal("42", response.Id);
        Assert.Equal(version, response.ModelVersion);
        if (manifest.IsClassifier)
        {
            var labels = (string[])response.Outputs.Single(o => o.Name == "label").Data;
            Assert.Equal(rest.Predictions.Cast<ClassPrediction>().Select(p => p.Label), labels);
            var probs = response.Outputs.Single(o => o.Name == "probabilities");
            Assert.Equal([20L, manifest.Labels.Count], probs.Shape);
        }
        else
        {
            var values = (float[])response.Outputs.Single().Data;
            Assert.Equal(rest.Predictions.Cast<RegressionPrediction>().Select(p => (float)p.Value), values);
        }
    }
}
