using System.Text.Json;
using Shipyard.Scoring;
using Shipyard.Tests.Models;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>Tensor elements a host decoded itself (gRPC) go through the checks JSON <c>data</c> goes through: same answers, same refusals.</summary>
public class InferTensorValuesTests
{
    [Fact]
    public async Task InferAsync_TypedValues_AnswerAsJsonData()
    {
        await using var world = await TestWorld.StartAsync();
        var samples = SampleData.Load("breast-cancer", "1");
        var rows = samples.Rows.Take(20).ToArray();

        var json = await world.Service.InferAsync("breast-cancer", "1", Request(samples, rows, typed: false));
        var typed = await world.Service.InferAsync("breast-cancer", "1", Request(samples, rows, typed: true));

        Assert.Equal(Describe(json), Describe(typed));
        Assert.Equal(samples.Labels.Take(20), (string[])typed.Outputs.Single(o => o.Name == "label").Data);
    }

    [Theory]
    [InlineData("beyond-float", "mean_radius[0]: expected a finite number within the float32 range")]
    [InlineData("too-many", "inputs[0].data: has more elements than the shape's 1")]
    [InlineData("too-few", "inputs[0].data: has 0 elements, but the shape needs 1")]
    public async Task InferAsync_TypedValues_RefusedAsJsonData(string problem, string error)
    {
        await using var world = await TestWorld.StartAsync();
        var samples = SampleData.Load("breast-cancer", "1");
        double[] first = problem switch
        {
            "beyond-float" => [1e40],
            "too-many" => [1, 2],
            _ => [],
        };

        var fromJson = await Assert.ThrowsAsync<InvalidInputException>(() => world.Service.InferAsync("breast-cancer", "1", Request(samples, [samples.Rows[0]], typed: false, first)));
        var fromValues = await Assert.ThrowsAsync<InvalidInputException>(() => world.Service.InferAsync("breast-cancer", "1", Request(samples, [samples.Rows[0]], typed: true, first)));

        Assert.Equal(fromJson.Message, fromValues.Message);
        Assert.Contains(error, fromValues.Message, StringComparison.Ordinal);
    }

    /// <summary>One tensor per feature, its elements as JSON data or as decoded values; <paramref name="first"/> replaces the first tensor's.</summary>
    private static InferRequest Request(SampleData samples, double[][] rows, bool typed, double[]? first = null) => new()
    {
        Inputs = [.. samples.Features.Select((name, f) =>
        {
            var values = f == 0 && first is not null ? first : rows.Select(r => (double)(float)r[f]).ToArray();
            return typed
                ? new InferInputTensor { Name = name, Shape = [rows.Length], Datatype = "FP32", Values = InferTensorValues.Of(values) }
                : new InferInputTensor { Name = name, Shape = [rows.Length], Datatype = "FP32", Data = JsonSerializer.SerializeToElement(values) };
        })],
    };

    private static string Describe(InferResponse response) => string.Join("; ", response.Outputs.Select(o => o.Data switch
    {
        string[] texts => $"{o.Name} [{string.Join(",", o.Shape)}] {string.Join(" ", texts)}",
        float[] floats => $"{o.Name} [{string.Join(",", o.Shape)}] {string.Join(" ", floats.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}",
        _ => throw new InvalidOperationException(o.Data.GetType().Name),
    }));
}
