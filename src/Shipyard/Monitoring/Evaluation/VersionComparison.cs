using System.Text.Json.Serialization;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// A candidate version (canary) against the baseline (production) on one metric: the difference candidate − baseline,
/// its 95% interval, the two-sided p-value of the named test, and a verdict. Classifiers compare accuracy with the
/// two-proportion z-test (pooled standard error for the test, unpooled for the interval); regressors compare MAE with
/// Welch's z-test on the mean absolute errors (large samples). Verdicts: "not enough data" while either side has fewer
/// outcomes than the minimum; "promote" when the candidate is significantly better (p &lt; α), "roll back" when
/// significantly worse, else "keep".
/// </summary>
public sealed record VersionComparison
{
    /// <summary>The verdict names, as the report writes them.</summary>
    public const string Promote = "promote", Keep = "keep", RollBack = "roll back", NotEnoughData = "not enough data";

    /// <summary>The baseline version (production).</summary>
    public required string Baseline { get; init; }

    /// <summary>The candidate version (canary).</summary>
    public required string Candidate { get; init; }

    /// <summary>The metric compared: accuracy or mae.</summary>
    public required string Metric { get; init; }

    /// <summary>The test used: two-proportion z-test or Welch z-test.</summary>
    public required string Test { get; init; }

    /// <summary>Candidate minus baseline (for MAE, negative is better); null while either side has no outcome.</summary>
    public required double? Difference { get; init; }

    /// <summary>95% interval of the difference; null while either side has no outcome.</summary>
    [JsonPropertyName("ci95")]
    public required double[]? Ci95 { get; init; }

    /// <summary>Two-sided p-value of the test; null while either side has no outcome.</summary>
    public required double? PValue { get; init; }

    /// <summary>promote, keep, roll back or not enough data.</summary>
    public required string Verdict { get; init; }

    /// <summary>Accuracy of two classifier versions, with <paramref name="minimumCount"/> outcomes needed on each side.</summary>
    public static VersionComparison OfAccuracy(string baseline, ClassificationMetrics b, string candidate, ClassificationMetrics c, long minimumCount, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        var difference = c.Accuracy - b.Accuracy;
        var pooled = ((b.Accuracy * b.Count) + (c.Accuracy * c.Count)) / (b.Count + c.Count);
        var testError = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / b.Count) + (1.0 / c.Count)));
        var error = Math.Sqrt((b.Accuracy * (1 - b.Accuracy) / b.Count) + (c.Accuracy * (1 - c.Accuracy) / c.Count));
        var p = testError > 0 ? MetricIntervals.NormalPValue(difference / testError) : (difference == 0 ? 1 : 0);
        return Build(baseline, candidate, "accuracy", "two-proportion z-test", difference, error, p, higherIsBetter: true, enough: b.Count >= minimumCount && c.Count >= minimumCount, alpha);
    }

    /// <summary>MAE of two regressor versions, with <paramref name="minimumCount"/> outcomes needed on each side.</summary>
    public static VersionComparison OfMae(string baseline, RegressionMetrics b, string candidate, RegressionMetrics c, long minimumCount, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        var difference = c.Mae - b.Mae;
        var error = Math.Sqrt((Square(b.Deviations.AbsoluteError) / b.Count) + (Square(c.Deviations.AbsoluteError) / c.Count));
        var p = error > 0 ? MetricIntervals.NormalPValue(difference / error) : (difference == 0 ? 1 : 0);
        return Build(baseline, candidate, "mae", "Welch z-test", difference, error, p, higherIsBetter: false, enough: b.Count >= minimumCount && c.Count >= minimumCount, alpha);
    }

    private static double Square(double x) => x * x;

    private static VersionComparison Build(string baseline, string candidate, string metric, string test, double difference, double error, double p, bool higherIsBetter, bool enough, double alpha)
    {
        if (!double.IsFinite(difference))
        {
            // A side without outcomes: nothing to compare yet.
            return new VersionComparison { Baseline = baseline, Candidate = candidate, Metric = metric, Test = test, Difference = null, Ci95 = null, PValue = null, Verdict = NotEnoughData };
        }

        var better = higherIsBetter ? difference > 0 : difference < 0;
        var verdict = !enough ? NotEnoughData : p < alpha ? (better ? Promote : RollBack) : Keep;
        return new VersionComparison
        {
            Baseline = baseline,
            Candidate = candidate,
            Metric = metric,
            Test = test,
            Difference = difference,
            Ci95 = [difference - (MetricIntervals.Z95 * error), difference + (MetricIntervals.Z95 * error)],
            PValue = p,
            Verdict = verdict,
        };
    }
}
