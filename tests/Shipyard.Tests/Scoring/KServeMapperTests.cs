using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Scoring.Internals;
using Shipyard.Tests.Models;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>Tensor requests the mapper must refuse as bad input (400), never as a server fault, with errors of bounded length.</summary>
public sealed class KServeMapperTests
{
    private static readonly ScoringLimits Limits = new();

    [Fact]
    public void ToBatch_OnlyUnknownInputs_WhenIgnored_NamesTheMissingRequiredFeatures()
    {
        var manifest = Lenient(required: true);

        var ex = Assert.Throws<InvalidInputException>(() => KServeMapper.ToBatch(manifest, [Tensor("zzz", [1], 1.0)], Limits));

        Assert.Equal(["inputs: missing a tensor for required feature 'a'", "inputs: missing a tensor for required feature 'b'", "inputs: missing a tensor for required feature 'c'"], ex.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ToBatch_OnlyUnknownInputs_WhenNothingIsRequired_SaysNoInputNamesAFeature()
    {
        var manifest = Lenient(required: false);

        var ex = Assert.Throws<InvalidInputException>(() => KServeMapper.ToBatch(manifest, [Tensor("zzz", [1], 1.0), Tensor("yyy", [1], 2.0)], Limits));

        Assert.StartsWith("inputs: no input names a feature of the model", Assert.Single(ex.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToBatch_HugeNameDatatypeAndShape_QuotedCut()
    {
        var manifest = TestManifests.Parse(TestManifests.Classifier());
        var name = new string('n', 100_000);
        var datatype = new string('D', 100_000);
        long[] manyDims = [.. Enumerable.Repeat(1L, 100_000)];

        var unknown = Assert.Throws<InvalidInputException>(() => KServeMapper.ToBatch(manifest, [Tensor(name, [1], 1.0)], Limits));
        var shape = Assert.Throws<InvalidInputException>(() => KServeMapper.ToBatch(manifest, [Tensor("a", manyDims, 1.0)], Limits));
        var type = Assert.Throws<InvalidInputException>(() => KServeMapper.ToBatch(manifest, [Tensor("a", [1], 1.0) with { Datatype = datatype }], Limits));

        Assert.All([unknown, shape, type], e => Assert.True(e.Message.Length < 1_000, e.Message[..Math.Min(200, e.Message.Length)]));
        Assert.Contains("got [1, 1, 1, 1, 1, 1, 1, 1, …] (100000 dimensions)", shape.Message, StringComparison.Ordinal);
    }

    private static ModelManifest Lenient(bool required)
    {
        var json = TestManifests.Classifier();
        json["unknownFeatures"] = "ignore";
        foreach (var feature in json["features"]!.AsArray())
        {
            feature!["required"] = required;
        }

        return TestManifests.Parse(json);
    }

    private static InferInputTensor Tensor(string name, long[] shape, double value) =>
        new() { Name = name, Shape = shape, Datatype = "FP64", Values = InferTensorValues.Of([value]) };
}
