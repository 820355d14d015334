using Shipyard.Testing;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Scoring;
using Xunit;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Shipyard.Server.Tests.Apis;

/// <summary>The predict answer's direct writer must give exactly the bytes the app's serializer gives, or leave it to the serializer.</summary>
public sealed class PredictionResponseJsonTests : IClassFixture<PredictionResponseJsonTests.Factory>
{
    private readonly Factory _factory;

    public PredictionResponseJsonTests(Factory factory)
    {
        _factory = factory;
    }

    [Theory]
    [MemberData(nameof(SampleCases.PackageData), MemberType = typeof(SampleCases))]
    public async Task TryWrite_EverySampleOfEveryModel_GivesTheSerializersBytes(string model, string version)
    {
        using var client = await _factory.CreateReadyClientAsync();
        var predictions = _factory.App.Services.GetRequiredService<PredictionService>();
        var samples = SampleCases.Load(model, version);
        using var instances = JsonDocument.Parse(Json.Instances(samples.Cases.Select(c => c.Instance)).ReadAsStream());

        var all = await predictions.PredictAsync(new PredictionRequest { Model = model, Version = version, Instances = PredictionInstances.From(instances.RootElement.GetProperty("instances")) });
        var first = all with { Predictions = [all.Predictions[0]] };

        AssertSameBytes(all);
        AssertSameBytes(first);
    }

    [Fact]
    public void TryWrite_NamesThatNeedEscaping_GivesTheSerializersBytes()
    {
        var printable = new string(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).ToArray());
        string[] labels = [printable, "café", "日本", "tab\there", "line\nbreak", "\u0001", "", "<script>", "emoji 😀"];
        var probabilities = labels.Select((l, i) => (l, p: i / 10.0)).ToDictionary(x => x.l, x => x.p, StringComparer.Ordinal);

        AssertSameBytes(new PredictionResponse("model \"quoted\"", "v+1", [.. labels.Select(l => new ClassPrediction(l, probabilities))]));
    }

    [Theory]
    [InlineData(0.0)] // and -0.0: every value is also written negated
    [InlineData(0.1)]
    [InlineData(1e300)]
    [InlineData(-1.7976931348623157e308)]
    [InlineData(5e-324)]
    [InlineData(123456789012345680000.0)]
    [InlineData(0.00012671947479248047)]
    public void TryWrite_RegressionValues_GivesTheSerializersBytes(double value)
    {
        AssertSameBytes(new PredictionResponse("diabetes", "1", [new RegressionPrediction(value), new RegressionPrediction(-value)]));
    }

    [Fact]
    public void TryWrite_DefaultEncoder_GivesTheSerializersBytes()
    {
        var printable = new string(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).ToArray());
        var response = new PredictionResponse("m&m", "1", [new ClassPrediction(printable, new Dictionary<string, double> { [printable] = 1, ["café<b>"] = 0 })]);

        AssertSameBytes(response, new JsonSerializerOptions(Options) { Encoder = null });
        AssertSameBytes(response, new JsonSerializerOptions(Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
    }

    [Fact]
    public void TryWrite_OtherShapes_GivesTheSerializersBytes()
    {
        var sorted = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["b"] = 0.25, ["a"] = 0.75 }; // not a Dictionary: the interface path
        AssertSameBytes(new PredictionResponse("m", "1", [new ClassPrediction("a", sorted), new ClassPrediction("b", new Dictionary<string, double>())]));
        AssertSameBytes(new PredictionResponse("m", "1", []));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void TryWrite_NumberTheSerializerRefuses_LeavesItToTheSerializer(double value)
    {
        Assert.Null(PredictionResponseJson.TryWrite(new PredictionResponse("m", "1", [new RegressionPrediction(1), new RegressionPrediction(value)]), Options));
        Assert.Null(PredictionResponseJson.TryWrite(new PredictionResponse("m", "1", [new ClassPrediction("a", new Dictionary<string, double> { ["a"] = value })]), Options));
    }

    [Fact]
    public void TryWrite_OptionsItDoesNotWrite_LeavesItToTheSerializer()
    {
        var response = new PredictionResponse("m", "1", [new RegressionPrediction(1)]);

        Assert.Null(PredictionResponseJson.TryWrite(response, new JsonSerializerOptions(Options) { WriteIndented = true }));
        Assert.Null(PredictionResponseJson.TryWrite(response, new JsonSerializerOptions(Options) { PropertyNamingPolicy = null }));
        Assert.Null(PredictionResponseJson.TryWrite(response, new JsonSerializerOptions(Options) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.WriteAsString }));
        Assert.Null(PredictionResponseJson.TryWrite(response, new JsonSerializerOptions(Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.None) }));
        Assert.NotNull(PredictionResponseJson.TryWrite(response, new JsonSerializerOptions(Options)));
    }

    [Fact]
    public void TryWrite_UnknownPredictionType_LeavesItToTheSerializer()
    {
        Assert.Null(PredictionResponseJson.TryWrite(new PredictionResponse("m", "1", [new OtherPrediction()]), Options));
    }

    private JsonSerializerOptions Options => _factory.App.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;

    private void AssertSameBytes(PredictionResponse response) => AssertSameBytes(response, Options);

    private static void AssertSameBytes(PredictionResponse response, JsonSerializerOptions options)
    {
        var expected = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(response, options.GetTypeInfo(typeof(PredictionResponse))));

        var written = PredictionResponseJson.TryWrite(response, options);

        Assert.NotNull(written);
        Assert.Equal(expected, Encoding.UTF8.GetString(written));
    }

    private sealed record OtherPrediction : Prediction;

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys());
}
