using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;
using Xunit;

namespace Shipyard.Tests.Monitoring;

public sealed class BaselineProfilerTests
{
    private static readonly ProfiledFeature[] s_features = [new("x", "float"), new("color", "string")];

    [Fact]
    public void Compare_SmallTrainingSet_BaselineDriftEqualsRawDrift()
    {
        // Below the sample size the reservoir holds every value, so every statistic is exact.
        var @case = ReferenceCase.Find("copy", "cat-small");
        var reference = FeatureTable.ReadCsv(@case.ReferencePath, ["color"]);
        var current = FeatureTable.ReadCsv(@case.CurrentPath, ["color"]);
        var profile = BaselineProfiler.Build("m", "1", reference, [new("color", "string"), new("n", "float")]);

        var viaBaseline = BaselineDrift.Compare(BaselineProfileJson.Deserialize(BaselineProfileJson.Serialize(profile)), current);
        var direct = DriftCalculator.Compare(reference, current);

        Assert.Equal(DriftComparisonJson.ToJson(direct), DriftComparisonJson.ToJson(viaBaseline));
    }

    [Fact]
    public void Build_LargeColumn_SampleIsBoundedSeededAndHistogramExact()
    {
        var values = Enumerable.Range(0, 50_000).Select(i => (double)(i % 997)).ToArray();
        var table = new FeatureTable();
        table.AddNumeric("x", values);

        var first = BaselineProfiler.Profile(table, "x", "float", sampleSize: 1000, seed: 7);
        var second = BaselineProfiler.Profile(table, "x", "float", sampleSize: 1000, seed: 7);

        Assert.Equal(1000, first.Sample!.Count);
        Assert.Equal(first.Sample, second.Sample);
        Assert.Equal(50_000, first.Histogram!.Sum());
        Assert.True(first.Sample.Zip(first.Sample.Skip(1)).All(p => p.First <= p.Second));
        var sorted = values.Order().ToArray();
        Assert.Equal(DecileBins.FromSorted(sorted).Edges, first.Deciles);
    }

    [Fact]
    public void Build_ClassifierPredictions_ProfiledAsLabels()
    {
        var table = new FeatureTable();
        table.AddNumeric("x", [1, 2, 3]);
        table.AddNumeric("prediction", [0, 1, 1]);

        var profile = BaselineProfiler.Build("m", "1", table, [new("x", "float")], predictionsAreLabels: true);

        Assert.Equal(new Dictionary<string, long> { ["0"] = 1, ["1"] = 2 }, profile.Prediction!.Categories);
    }

    [Fact]
    public void Build_MissingFeatureColumn_ThrowsNamingIt()
    {
        var table = new FeatureTable();
        table.AddNumeric("x", [1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => BaselineProfiler.Build("m", "1", table, s_features));

        Assert.Equal("The data has no column 'color' (a feature of m v1). Columns: x.", error.Message);
    }

    [Fact]
    public void Profile_AllMissing_HasCountsButNoStatistics()
    {
        var table = new FeatureTable();
        table.AddNumeric("x", [double.NaN, double.NaN]);

        var profile = BaselineProfiler.Profile(table, "x", "float");

        Assert.Equal(0, profile.Count);
        Assert.Equal(1.0, profile.MissingRate);
        Assert.Null(profile.ToNumericReference());
    }

    [Fact]
    public void ReservoirSample_KeepsEveryValueUntilFull_ThenUniform()
    {
        var reservoir = new ReservoirSample(capacity: 100, seed: 1);
        for (var i = 0; i < 100; i++)
        {
            reservoir.Add(i);
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), reservoir.ToSortedArray());

        for (var i = 100; i < 100_000; i++)
        {
            reservoir.Add(i);
        }

        // A uniform sample of 0..99,999: its mean is near 50,000 (sd of the mean ≈ 2,900).
        Assert.InRange(reservoir.Values.Average(), 50_000 - (4 * 2_900), 50_000 + (4 * 2_900));
        Assert.Equal(100_000, reservoir.Seen);
    }
}
