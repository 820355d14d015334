using System.Globalization;
using System.Text;
using System.Text.Json;
using Shipyard.Scoring;
using Shipyard.Tests.Models;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>Every bundled model, through the real ONNX Runtime, must reproduce sklearn's own outputs in samples.csv.</summary>
public class SamplePredictionTests
{
    /// <summary>Every bundled package with samples, on every scoring path: REST (and KServe: the same service call),
    /// batch (a CSV through the batch pipeline) and streaming (a queue message through the stream scorer).</summary>
    public static TheoryData<string, string, string> PackagesOnEveryPath()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (model, version) in SampleCases.Packages())
        {
            foreach (var path in new[] { "rest", "batch", "stream" })
            {
                data.Add(model, version, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PackagesOnEveryPath))]
    public async Task EverySample_OnEveryPath_EqualsSklearnExpectations(string model, string version, string path)
    {
        await using var world = await TestWorld.StartAsync();
        var samples = SampleData.Load(model, version);

        var predictions = path switch
        {
            "rest" => (await world.Service.PredictAsync(new PredictionRequest { Model = model, Version = version, Instances = PredictionInstances.From(samples.Instances()) })).Predictions,
            "batch" => await ScoreBatchAsync(world, samples),
            _ => await ScoreStreamAsync(world, samples),
        };

        Assert.Equal(samples.Rows.Count, predictions.Count);
        for (var r = 0; r < samples.Rows.Count; r++)
        {
            switch (predictions[r])
            {
                case ClassPrediction c:
                    Assert.Equal(samples.Labels[r], c.Label);
                    Assert.Equal(samples.Probabilities[r].Keys.Order(), c.Probabilities.Keys.Order());
                    foreach (var (label, expected) in samples.Probabilities[r])
                    {
                        Assert.True(Math.Abs(expected - c.Probabilities[label]) <= 1e-5, $"{path} row {r} p({label}) = {c.Probabilities[label]}, sklearn {expected}");
                    }

                    break;
                case RegressionPrediction v:
                    Assert.True(Math.Abs(samples.Values[r] - v.Value) <= 1e-5, $"{path} row {r} value = {v.Value}, sklearn {samples.Values[r]}");
                    break;
            }
        }
    }

    /// <summary>The samples as a CSV through the batch pipeline, read back from the scored output's prediction columns.</summary>
    private static async Task<IReadOnlyList<Prediction>> ScoreBatchAsync(TestWorld world, SampleData samples)
    {
        var csv = new StringBuilder(string.Join(',', samples.Features)).Append('\n');
        foreach (var row in samples.Rows)
        {
            csv.AppendJoin(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }

        using var lease = world.Registry.Acquire(samples.Model, samples.Version);
        using var source = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        using var scored = new MemoryStream();
        var report = await new Shipyard.Batch.BatchScorer().ScoreAsync(lease, new Shipyard.Batch.BatchInputInfo("samples.csv", null, source.Length), source, scored, Stream.Null);
        Assert.Equal(samples.Rows.Count, report.Rows.Scored);

        var lines = Encoding.UTF8.GetString(scored.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimEnd('\r').Split(',');
        var prediction = Array.IndexOf(header, "prediction");
        var manifest = lease.Manifest;
        return [.. lines.Skip(1).Select(line =>
        {
            var cells = line.TrimEnd('\r').Split(',');
            return manifest.IsClassifier
                ? (Prediction)new ClassPrediction(cells[prediction], manifest.Labels.ToDictionary(l => l, l => double.Parse(cells[Array.IndexOf(header, "probability_" + l)], CultureInfo.InvariantCulture)))
                : new RegressionPrediction(double.Parse(cells[prediction], CultureInfo.InvariantCulture));
        })];
    }

    /// <summary>The samples as one queue message through the stream scorer, read back from its result message.</summary>
    private static async Task<IReadOnlyList<Prediction>> ScoreStreamAsync(TestWorld world, SampleData samples)
    {
        var result = await new Shipyard.Streaming.StreamScorer(world.Service).ScoreAsync(new Shipyard.Streaming.StreamMessage("m-1", samples.Model, samples.Version, samples.Instances(), null));
        Assert.Equal(Shipyard.Streaming.StreamResultKind.Scored, result.Kind);

        using var document = JsonDocument.Parse(result.Text);
        return [.. document.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.TryGetProperty("value", out var value)
            ? (Prediction)new RegressionPrediction(value.GetDouble())
            : new ClassPrediction(p.GetProperty("label").GetString()!, p.GetProperty("probabilities").EnumerateObject().ToDictionary(q => q.Name, q => q.Value.GetDouble())))];
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
