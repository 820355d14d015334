using System.Text.Json;
using System.Text.Json.Nodes;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Tests.Models;
using Xunit;

namespace Shipyard.Tests.Scoring;

public class InstanceValidatorTests
{
    private static readonly ModelManifest Toy = TestManifests.Parse(TestManifests.Classifier());

    private static ModelManifest Strict()
    {
        var json = TestManifests.Classifier();
        json["outOfRange"] = "reject";
        return TestManifests.Parse(json);
    }

    [Theory]
    [InlineData("""[{"a":"1","b":2}]""", "instances[0].a", "expected a number, got a string")]
    [InlineData("""[{"a":1,"b":2},{"a":1,"b":2.5}]""", "instances[1].b", "expected an integer (no fractional part, within the 64-bit range)")]
    [InlineData("""[{"b":2}]""", "instances[0].a", "required feature is missing")]
    [InlineData("""[{"a":null,"b":2}]""", "instances[0].a", "required feature is null")]
    [InlineData("""[{"a":1,"b":2,"zz":3}]""", "instances[0].zz", "unknown feature (not in the model's manifest)")]
    [InlineData("""[{"a":1,"b":2,"c":5}]""", "instances[0].c", "expected a string, got a number")]
    [InlineData("""[{"a":1e39,"b":2}]""", "instances[0].a", "expected a finite number within the float32 range")]
    [InlineData("""[{"a":1,"a":2,"b":2}]""", "instances[0].a", "given more than once")]
    [InlineData("""[{"a":[1],"b":2}]""", "instances[0].a", "expected a number, got an array")]
    [InlineData("""[{"a":1,"b":2,"c":"\ud800"}]""", "instances[0].c", "not valid Unicode text (a lone surrogate escape such as \\ud800)")]
    [InlineData("""[{"a":1,"b":2,"\udc00x":1}]""", "instances[0]", "a feature name is not valid Unicode text (a lone surrogate escape such as \\ud800)")]
    [InlineData("""[5]""", "instances[0]", "expected an object of feature values, got a number")]
    [InlineData("""[]""", "instances", "must contain at least one instance")]
    [InlineData("""{"a":1}""", "instances", "expected an array of objects, got an object")]
    public void Validate_BadInstance_NamesTheField(string json, string path, string message)
    {
        var ex = Assert.Throws<InvalidInputException>(() => InstanceValidator.Validate(Toy, JsonDocument.Parse(json).RootElement));

        Assert.Contains(new InputError(path, message), ex.Errors);
    }

    [Fact]
    public void Validate_NaNAndInfinityAsStrings_AreRejected()
    {
        var ex = Assert.Throws<InvalidInputException>(() => InstanceValidator.Validate(Toy, JsonDocument.Parse("""[{"a":"NaN","b":1},{"a":"Infinity","b":1}]""").RootElement));

        Assert.Equal(["instances[0].a: expected a number, got a string", "instances[1].a: expected a number, got a string"], ex.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_OutOfRange_AllowedByDefaultAndRejectedWhenStrict()
    {
        var json = JsonDocument.Parse("""[{"a":11,"b":1,"c":"z"}]""").RootElement;

        var batch = InstanceValidator.Validate(Toy, json);
        var ex = Assert.Throws<InvalidInputException>(() => InstanceValidator.Validate(Strict(), json));

        Assert.Equal(2, batch.OutOfRangeCount);
        Assert.Equal(["instances[0].a: 11 is above the maximum 10", "instances[0].c: 'z' is not one of the categories x, y"], ex.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_UnknownFieldsIgnoredWhenManifestSaysSo()
    {
        var json = TestManifests.Classifier();
        json["unknownFeatures"] = "ignore";

        var batch = InstanceValidator.Validate(TestManifests.Parse(json), JsonDocument.Parse("""[{"a":1,"b":2,"extra":true}]""").RootElement);

        Assert.Equal(1, batch.Count);
        Assert.Equal(1.0, batch.GetNumber(0, 0));
        Assert.False(batch.IsPresent(0, 2));
    }

    [Fact]
    public void Validate_ManyErrors_BoundedAndTruncated()
    {
        var rows = new JsonArray(Enumerable.Range(0, 500).Select(_ => (JsonNode)new JsonObject { ["a"] = "x" }).ToArray());

        var ex = Assert.Throws<InvalidInputException>(() => InstanceValidator.Validate(Toy, JsonDocument.Parse(rows.ToJsonString()).RootElement, new ScoringLimits { MaxErrors = 10 }));

        Assert.Equal(10, ex.Errors.Count);
        Assert.True(ex.Truncated);
    }

    [Fact]
    public void Validate_TooManyInstances_Rejected()
    {
        var rows = "[" + string.Join(",", Enumerable.Repeat("""{"a":1,"b":2}""", 11)) + "]";

        var ex = Assert.Throws<InvalidInputException>(() => InstanceValidator.Validate(Toy, JsonDocument.Parse(rows).RootElement, new ScoringLimits { MaxInstances = 10 }));

        Assert.Equal("instances: at most 10 instances per request, got 11", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void Validate_ValidInstance_FillsTypedColumns()
    {
        var batch = InstanceValidator.Validate(Toy, JsonDocument.Parse("""[{"a":2.5,"b":3.0,"c":"y"},{"a":0,"b":-4}]""").RootElement);

        Assert.Equal(2, batch.Count);
        Assert.Equal(2.5, batch.GetNumber(0, 0));
        Assert.Equal(3, batch.GetInteger(0, 1));
        Assert.Equal("y", batch.GetString(0, 2));
        Assert.Null(batch.GetString(1, 2));
        Assert.Equal(0, batch.OutOfRangeCount);
    }

    /// <summary>Names are matched in manifest order first (no string made), by lookup otherwise: any order and escaping give the same row.</summary>
    [Theory]
    [InlineData("""[{"a":2.5,"b":3,"c":"y"}]""")]
    [InlineData("""[{"c":"y","b":3,"a":2.5}]""")]
    [InlineData("""[{"b":3,"a":2.5,"c":"y"}]""")]
    [InlineData("[{\"\\u0061\":2.5,\"b\":3,\"\\u0063\":\"y\"}]")]
    [InlineData("""[{"a":2.5,"zz":1,"b":3,"c":"y"}]""")]
    public void Validate_FeaturesInAnyOrderOrEscaped_FillTheSameRow(string json)
    {
        var lenient = TestManifests.Classifier();
        lenient["unknownFeatures"] = "ignore";
        var batch = InstanceValidator.Validate(TestManifests.Parse(lenient), JsonDocument.Parse(json).RootElement);

        Assert.Equal(1, batch.Count);
        Assert.Equal(2.5, batch.GetNumber(0, 0));
        Assert.Equal(3, batch.GetInteger(0, 1));
        Assert.Equal("y", batch.GetString(0, 2));
    }
}
