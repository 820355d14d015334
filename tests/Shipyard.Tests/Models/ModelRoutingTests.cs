using System.Text;
using Shipyard.Models;
using Xunit;

namespace Shipyard.Tests.Models;

public class ModelRoutingTests
{
    [Fact]
    public void Parse_ContractExample_ReadsEveryAlias()
    {
        var r = ModelRouting.Parse("""{"production":"2","staging":"3","canary":{"version":"3","percent":10},"shadow":"4"}"""u8);

        Assert.Equal("2", r.Production);
        Assert.Equal("3", r.Staging);
        Assert.Equal(new CanaryRoute("3", 10), r.Canary);
        Assert.Equal("4", r.Shadow);
        Assert.Empty(r.History);
        Assert.Equal(["2", "3", "4"], r.ReferencedVersions());
    }

    [Fact]
    public void ToUtf8Json_RoundTrips_WithNullsAndHistory()
    {
        var r = new ModelRouting { Production = "2", History = ["1"], Canary = new CanaryRoute("3", 2.5) };

        var text = Encoding.UTF8.GetString(r.ToUtf8Json());
        var again = ModelRouting.Parse(Encoding.UTF8.GetBytes(text));

        Assert.Contains("\"staging\": null", text, StringComparison.Ordinal);
        Assert.Equal(r.Production, again.Production);
        Assert.Equal(r.Canary, again.Canary);
        Assert.Equal(r.History, again.History);
    }

    [Theory]
    [InlineData("""{"production":2}""", "production: expected a version string such as \"1\", got the number 2")]
    [InlineData("""{"production":"v2"}""", "production: 'v2' is not a valid version (a positive integer without leading zeros, such as \"1\")")]
    [InlineData("""{"canary":{"version":"2","percent":150}}""", "canary.percent: expected a number from 0 to 100, got the number 150")]
    [InlineData("""{"canary":{"percent":5}}""", "canary.version: is required")]
    [InlineData("""{"canary":{"version":"2"}}""", "canary.percent: is required")]
    [InlineData("""{"canary":5}""", "canary: expected an object, got the number 5")]
    [InlineData("""{"history":["1",2]}""", "history[1]: expected a version string such as \"1\", got the number 2")]
    [InlineData("""[]""", "routing.json: expected a JSON object, got an array")]
    public void Parse_InvalidRouting_ThrowsNamingTheField(string json, string expected)
    {
        var ex = Assert.Throws<ManifestException>(() => ModelRouting.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, ex.Errors);
    }

    [Fact]
    public void Validate_BadValues_NamesEachField()
    {
        var r = new ModelRouting { Production = "x", Canary = new CanaryRoute("2", -1), History = ["0"] };

        var errors = r.Validate();

        Assert.Equal(3, errors.Count);
        Assert.StartsWith("production: ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("canary.percent: ", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("history[0]: ", errors[2], StringComparison.Ordinal);
    }
}
