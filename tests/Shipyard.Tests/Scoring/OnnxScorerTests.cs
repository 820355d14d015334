using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Scoring.Internals;
using Shipyard.Testing;
using Shipyard.Tests.Models;
using Shipyard.Tests.Onnx.Models;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>The one scorer: ZipMap classifiers read through the tensor feeding the ZipMap, with the same numbers.</summary>
public class OnnxScorerTests
{
    [Theory]
    [InlineData("1", false)]
    [InlineData("2", true)]
    public void Load_BreastCancer_ReadsTheZipMapInputOnlyWhereThereIsAZipMap(string version, bool expected)
    {
        using var scorer = Load("breast-cancer", version);

        Assert.Equal(expected, scorer.ReadsZipMapInput);
    }

    /// <summary>
    /// Single rows run through each thread's IO binding (inputs bound once over a reused buffer); every sample row alone,
    /// from four threads at once and each thread's rows one after the other, gives exactly what the row gives inside a
    /// batch run, which packs its own tensors.
    /// </summary>
    [Theory]
    [MemberData(nameof(SampleCases.PackageData), MemberType = typeof(SampleCases))]
    public async Task Score_SingleRowsOnManyThreads_EqualTheBatchRunExactly(string model, string version)
    {
        using var scorer = Load(model, version);
        Assert.True(scorer.BindsSingleRows, "every bundled package has numeric inputs and tensor outputs");
        var samples = SampleData.Load(model, version);
        var together = ModelScorer.Run(scorer, InstanceValidator.Validate(scorer.Manifest, samples.Instances()), CancellationToken.None);
        var rows = Enumerable.Range(0, samples.Rows.Count).ToArray();

        var alone = await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            rows.Where(r => r % 4 == t).Select(r => (Row: r, Scores: ModelScorer.Run(scorer, InstanceValidator.Validate(scorer.Manifest, samples.Instances(r, 1)), CancellationToken.None))).ToList())));

        foreach (var (row, scores) in alone.SelectMany(a => a))
        {
            if (together.Labels is { } labels)
            {
                Assert.Equal(labels[row], scores.Labels![0]);
            }

            if (together.Probabilities is { } probabilities)
            {
                var classes = scorer.Manifest.Labels.Count;
                Assert.Equal(probabilities.AsSpan(row * classes, classes).ToArray(), scores.Probabilities!);
            }

            if (together.Values is { } values)
            {
                Assert.Equal(values[row], scores.Values![0]);
            }
        }
    }

    [Fact]
    public void Score_ZipMapClassifier_EqualsTheZipMapsRowForRowExactly()
    {
        using var scorer = Load("breast-cancer", "2");
        var samples = SampleData.Load("breast-cancer", "2");
        var batch = InstanceValidator.Validate(scorer.Manifest, samples.Instances());

        var scores = ModelScorer.Run(scorer, batch, CancellationToken.None);

        // The reference: the model as written, run by ONNX Runtime directly, probabilities read from its maps.
        using var session = new InferenceSession(File.ReadAllBytes(Path.Combine(RepoPaths.Models, "breast-cancer", "2", "model.onnx")));
        var features = samples.Rows.SelectMany(r => r.Select(v => (float)v)).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(features, [samples.Rows.Count, samples.Features.Length]);
        using var results = session.Run(new RunOptions(), ["input"], [input], ["label", "probabilities"]);
        var maps = results[1];
        Assert.Equal(samples.Rows.Count, maps.GetValueCount());
        for (var r = 0; r < samples.Rows.Count; r++)
        {
            using var map = maps.GetValue(r, OrtAllocator.DefaultInstance);
            using var keys = map.GetValue(0, OrtAllocator.DefaultInstance);
            using var values = map.GetValue(1, OrtAllocator.DefaultInstance);
            var ids = keys.GetTensorDataAsSpan<long>();
            for (var k = 0; k < ids.Length; k++)
            {
                Assert.Equal(values.GetTensorDataAsSpan<float>()[k], scores.Probabilities![(r * 2) + (int)ids[k]]);
            }

            Assert.Equal(scorer.Manifest.Labels[(int)results[0].GetTensorDataAsSpan<long>()[r]], scores.Labels![r]);
        }
    }

    [Fact]
    public void Score_ZipMapWithStringLabelsInAnotherOrder_MapsEachColumnToItsLabel()
    {
        // The ZipMap's classes are [malignant, benign]; the manifest lists them the other way round.
        using var scorer = OnnxScorer.Load(ZipMapManifest("benign", "malignant"), TestModels.ZipMap(stringLabels: true), null, out _);
        var batch = InstanceValidator.Validate(scorer.Manifest, JsonSerializer.SerializeToElement(new[] { new { a = 0.2, b = 0.8 } }));

        var prediction = Assert.IsType<ClassPrediction>(Assert.Single(ModelScorer.Run(scorer, batch, CancellationToken.None).ToPredictions(scorer.Manifest)));

        Assert.True(scorer.ReadsZipMapInput);
        Assert.Equal("benign", prediction.Label);
        Assert.Equal(0.8f, (float)prediction.Probabilities["benign"]);
        Assert.Equal(0.2f, (float)prediction.Probabilities["malignant"]);
    }

    [Fact]
    public void Load_ZipMapWhoseClassesAreNotTheManifestLabels_ReadsTheMaps()
    {
        using var scorer = OnnxScorer.Load(ZipMapManifest("no", "yes"), TestModels.ZipMap(stringLabels: true), null, out _);

        Assert.False(scorer.ReadsZipMapInput);
    }

    /// <summary>A third label the ZipMap lacks: its maps are read (no tensor maps onto the labels), and the missing class gets 0.</summary>
    [Theory]
    [InlineData(false, "0", "1", "2")]
    [InlineData(true, "malignant", "benign", "other")]
    public void Score_ZipMapMapsMissingAClass_ReadsEachRowsMapAndGivesTheMissingClassZero(bool stringLabels, string first, string second, string third)
    {
        using var scorer = OnnxScorer.Load(ZipMapManifest(first, second, third), TestModels.ZipMap(stringLabels), null, out _);
        var batch = InstanceValidator.Validate(scorer.Manifest, JsonSerializer.SerializeToElement(new[] { new { a = 0.2, b = 0.8 }, new { a = 0.9, b = 0.1 } }));

        var predictions = ModelScorer.Run(scorer, batch, CancellationToken.None).ToPredictions(scorer.Manifest).Cast<ClassPrediction>().ToArray();

        Assert.False(scorer.ReadsZipMapInput);
        Assert.Equal([second, first], predictions.Select(p => p.Label));
        Assert.Equal([0.2f, 0.8f, 0f], new[] { first, second, third }.Select(l => (float)predictions[0].Probabilities[l]));
        Assert.Equal([0.9f, 0.1f, 0f], new[] { first, second, third }.Select(l => (float)predictions[1].Probabilities[l]));
    }

    private static OnnxScorer Load(string model, string version) => OnnxScorer.Load(
        ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, model, version, "model.json"))),
        File.ReadAllBytes(Path.Combine(RepoPaths.Models, model, version, "model.onnx")),
        null,
        out _);

    private static ModelManifest ZipMapManifest(params string[] labels) => TestManifests.Parse(new JsonObject
    {
        ["name"] = "zipmap",
        ["version"] = "1",
        ["task"] = labels.Length == 2 ? "binary-classification" : "multiclass-classification",
        ["features"] = new JsonArray(
            new JsonObject { ["name"] = "a", ["type"] = "float", ["required"] = true },
            new JsonObject { ["name"] = "b", ["type"] = "float", ["required"] = true }),
        ["onnx"] = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "probabilities", ["elementType"] = "float", ["features"] = new JsonArray("a", "b") }),
            ["outputs"] = new JsonObject { ["probabilities"] = "output_probability" },
        },
        ["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]),
        ["sha256"] = new string('a', 64),
    });
}
