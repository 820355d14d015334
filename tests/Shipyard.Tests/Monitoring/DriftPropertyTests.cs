using FsCheck;
using FsCheck.Fluent;
using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>FsCheck properties of the drift statistics (FsCheck core driven from xunit facts).</summary>
public sealed class DriftPropertyTests
{
    // Values on a 0.1 grid, so ties are common (the hard case for ECDF statistics).
    private static readonly Gen<double[]> s_sample =
        Gen.Choose(-500, 500).Select(i => i / 10.0).ArrayOf().Where(a => a.Length > 0);

    private static readonly Arbitrary<double[]> s_samples = s_sample.ToArbitrary();

    private static readonly Arbitrary<(double[] A, double[] B)> s_pairs =
        s_sample.SelectMany(a => s_sample, (a, b) => (a, b)).ToArbitrary();

    [Fact]
    public void IdenticalSamples_KsZeroPValueOne_DistancesZero() =>
        Prop.ForAll(s_samples, values =>
        {
            var drift = DriftCalculator.Numeric("x", NumericReference.FromValues(values), 0, values);
            return drift.Ks == new KsTest(0.0, 1.0) && drift.Wasserstein == 0.0 && drift.Psi == 0.0 && drift.JensenShannon == 0.0 && !drift.Drifted;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void KsAndWasserstein_AreSymmetric() =>
        Prop.ForAll(s_pairs, pair =>
        {
            var a = Sorted(pair.A);
            var b = Sorted(pair.B);
            var ab = KolmogorovSmirnov.TwoSample(a, b);
            var ba = KolmogorovSmirnov.TwoSample(b, a);
            return ab.Statistic == ba.Statistic
                && Math.Abs(ab.PValue - ba.PValue) < 1e-12
                && Math.Abs(Wasserstein.Distance(a, b) - Wasserstein.Distance(b, a)) <= 1e-9 * (1 + Wasserstein.Distance(a, b));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Ks_StatisticAndPValueAreProbabilities() =>
        Prop.ForAll(s_pairs, pair =>
        {
            var ks = KolmogorovSmirnov.TwoSample(Sorted(pair.A), Sorted(pair.B));
            return ks.Statistic is >= 0 and <= 1 && ks.PValue is >= 0 and <= 1;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Wasserstein_OfAShift_IsTheShift() =>
        Prop.ForAll(s_samples, values =>
        {
            var a = Sorted(values);
            var shifted = a.Select(v => v + 2.5).ToArray();
            return Math.Abs(Wasserstein.Distance(a, shifted) - 2.5) < 1e-9;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void JensenShannonAndPsi_AreSymmetricAndNonNegative() =>
        Prop.ForAll(s_pairs, pair =>
        {
            // Use the values as (shifted, non-negative) histogram counts over the same bins.
            var length = Math.Min(pair.A.Length, pair.B.Length);
            var p = pair.A.Take(length).Select(v => Math.Abs(v) + 0.1).ToArray();
            var q = pair.B.Take(length).Select(v => Math.Abs(v) + 0.1).ToArray();
            var js = JensenShannon.Distance(p, q);
            var pp = Normalize(p);
            var qq = Normalize(q);
            var psi = PopulationStability.Index(pp, qq);
            return js >= 0 && js <= 1 + 1e-12 && Math.Abs(js - JensenShannon.Distance(q, p)) < 1e-12
                && psi >= -1e-12 && Math.Abs(psi - PopulationStability.Index(qq, pp)) < 1e-9;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void RunningMoments_MergeEqualsSequentialAdd() =>
        Prop.ForAll(s_pairs, pair =>
        {
            var whole = new RunningMoments();
            whole.AddRange([.. pair.A, .. pair.B]);
            var left = new RunningMoments();
            left.AddRange(pair.A);
            var right = new RunningMoments();
            right.AddRange(pair.B);
            left.Merge(right);
            return left.Count == whole.Count && left.Min == whole.Min && left.Max == whole.Max
                && Math.Abs(left.Mean - whole.Mean) <= 1e-9 * (1 + Math.Abs(whole.Mean))
                && Math.Abs(left.PopulationVariance - whole.PopulationVariance) <= 1e-9 * (1 + whole.PopulationVariance);
        }).QuickCheckThrowOnFailure();

    private static double[] Sorted(double[] values)
    {
        var copy = values.ToArray();
        Array.Sort(copy);
        return copy;
    }

    private static double[] Normalize(double[] values)
    {
        var sum = values.Sum();
        return [.. values.Select(v => v / sum)];
    }
}
