using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>Edge cases the scipy cases do not cover: constant, all missing, one category, single values.</summary>
public sealed class DriftCalculatorEdgeCaseTests
{
    [Fact]
    public void Numeric_ConstantFeatureOnBothSides_NoDriftAndZeroDistances()
    {
        var reference = NumericReference.FromValues(Enumerable.Repeat(5.0, 200).ToArray());

        var drift = DriftCalculator.Numeric("c", reference, 0, Enumerable.Repeat(5.0, 50).ToArray());

        Assert.Equal(new KsTest(0.0, 1.0), drift.Ks);
        Assert.Equal(0.0, drift.Wasserstein);
        Assert.Equal(0.0, drift.Psi);
        Assert.Equal(0.0, drift.JensenShannon);
        Assert.False(drift.Drifted);
        Assert.Equal([5.0], reference!.Bins.Edges);
    }

    [Fact]
    public void Numeric_ConstantReferenceLarge_ShiftedCurrentDriftsThroughStdFloor()
    {
        var reference = NumericReference.FromValues(Enumerable.Repeat(1.0, 5000).ToArray());

        var drift = DriftCalculator.Numeric("c", reference, 0, Enumerable.Repeat(1.5, 100).ToArray());

        Assert.Equal("wasserstein-normed", drift.Decision.Method);
        Assert.Equal(0.5 / DriftRule.MinimumStandardDeviation, drift.Decision.Score, 9);
        Assert.True(drift.Drifted);
    }

    [Fact]
    public void Numeric_AllMissingInCurrent_StatisticsNullNotDriftedMissingRateOne()
    {
        var reference = NumericReference.FromValues([1.0, 2.0, 3.0]);

        var drift = DriftCalculator.Numeric("x", reference, 0, [double.NaN, double.NaN]);

        Assert.Null(drift.Ks);
        Assert.Null(drift.Wasserstein);
        Assert.Null(drift.Psi);
        Assert.Null(drift.JensenShannon);
        Assert.False(drift.Drifted);
        Assert.Equal(new MissingRate(0.0, 1.0), drift.MissingRate);
        Assert.Equal(0, drift.CurrentCount);
    }

    [Fact]
    public void Numeric_SingleValueEachSide_KsIsOneWithPValueOne()
    {
        // scipy: ks_2samp([1.0], [2.0]) == (1.0, 1.0); wasserstein_distance([1.0], [2.0]) == 1.0
        var drift = DriftCalculator.Numeric("x", NumericReference.FromValues([1.0]), 0, [2.0]);

        Assert.Equal(new KsTest(1.0, 1.0), drift.Ks);
        Assert.Equal(1.0, drift.Wasserstein);
        Assert.False(drift.Drifted);
    }

    [Fact]
    public void Categorical_OneCategory_ChiSquareZeroPValueOne()
    {
        var reference = Counts("a", "a", "a");
        var current = Counts("a", null, "a");

        var drift = DriftCalculator.Categorical("c", reference, current);

        Assert.Equal(new ChiSquareTest(0.0, 1.0, 0), drift.ChiSquare);
        Assert.Equal(0.0, drift.Psi);
        Assert.Equal(0.0, drift.JensenShannon);
        Assert.False(drift.Drifted);
        Assert.Equal(1.0 - (2.0 / 3.0), drift.MissingRate.Current, 15);
    }

    [Fact]
    public void Categorical_UnseenCategoryInCurrent_CountsInUnion()
    {
        // scipy.stats.chi2_contingency([[2, 0], [1, 1]], correction=False) -> (1.3333333333333333, 0.24821307898992373)
        var drift = DriftCalculator.Categorical("c", Counts("a", "a"), Counts("a", "b"));

        Assert.Equal(1.3333333333333333, drift.ChiSquare!.Value.Statistic, 12);
        Assert.Equal(0.24821307898992373, drift.ChiSquare!.Value.PValue, 9);
    }

    [Fact]
    public void Categorical_AllMissingInCurrent_NotComputable()
    {
        var drift = DriftCalculator.Categorical("c", Counts("a", "b"), Counts(null, "", "NaN"));

        Assert.Null(drift.ChiSquare);
        Assert.False(drift.Drifted);
        Assert.Equal(1.0, drift.MissingRate.Current);
    }

    [Fact]
    public void DatasetDrift_HalfTheFeatures_IsDrift()
    {
        var drifted = DriftCalculator.Numeric("a", NumericReference.FromValues(Enumerable.Range(0, 100).Select(i => (double)i).ToArray()), 0, Enumerable.Range(500, 100).Select(i => (double)i).ToArray());
        var stable = DriftCalculator.Numeric("b", NumericReference.FromValues([1.0, 2.0]), 0, [1.0, 2.0]);

        var verdict = DatasetDrift.FromFeatures([drifted, stable]);

        Assert.True(drifted.Drifted);
        Assert.Equal(new DatasetDrift(0.5, true), verdict);
        Assert.Equal(new DatasetDrift(0.0, false), DatasetDrift.FromFeatures([]));
    }

    private static CategoryCounts Counts(params string?[] values)
    {
        var counts = new CategoryCounts();
        foreach (var value in values)
        {
            counts.Add(value);
        }

        return counts;
    }
}
