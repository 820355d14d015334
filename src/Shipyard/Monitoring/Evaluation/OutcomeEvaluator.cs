using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Builds the <see cref="EvaluationReport"/> of a model from its logged predictions joined with their outcomes: the
/// realised metrics of each version over the predictions that have an outcome, the estimate over all of them, and the
/// comparison of the canary with production (accuracy for classifiers, MAE for regressors).
/// </summary>
public static class OutcomeEvaluator
{
    /// <summary>Evaluates <paramref name="rows"/> of <paramref name="manifest"/>'s model.</summary>
    /// <param name="manifest">Any version's manifest: its task and labels (every version of a model shares them).</param>
    /// <param name="window">The span of prediction times the rows come from.</param>
    /// <param name="rows">The predictions, with outcomes where known.</param>
    /// <param name="production">The production version (the comparison's baseline), if any.</param>
    /// <param name="canary">The canary version (the comparison's candidate), if any.</param>
    /// <param name="minimumCount">Outcomes each side needs before the comparison gives a verdict other than "not enough data".</param>
    /// <param name="unmatchedOutcomes">Outcomes of predictions in the window that the log does not hold (reported as they are).</param>
    public static EvaluationReport Evaluate(ModelManifest manifest, EvaluationWindow window, IEnumerable<ScoredOutcome> rows, string? production, string? canary, long minimumCount, long unmatchedOutcomes = 0)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(rows);
        var versions = new Dictionary<string, VersionEvaluation>(StringComparer.Ordinal);
        var classification = new Dictionary<string, ClassificationMetrics>(StringComparer.Ordinal);
        var regression = new Dictionary<string, RegressionMetrics>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r.Version, StringComparer.Ordinal))
        {
            var list = group.ToList();
            var arms = list.Select(r => r.Arm).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (manifest.IsClassifier)
            {
                var (evaluation, metrics) = Classifier(manifest, list, arms);
                versions[group.Key] = evaluation with { Timeline = Timeline(window, list, manifest.IsClassifier) };
                classification[group.Key] = metrics;
            }
            else
            {
                var (evaluation, metrics) = Regressor(list, arms);
                versions[group.Key] = evaluation with { Timeline = Timeline(window, list, manifest.IsClassifier) };
                regression[group.Key] = metrics;
            }
        }

        VersionComparison? comparison = null;
        if (production is not null && canary is not null && production != canary)
        {
            if (classification.TryGetValue(production, out var b) && classification.TryGetValue(canary, out var c))
            {
                comparison = VersionComparison.OfAccuracy(production, b, canary, c, minimumCount);
            }
            else if (regression.TryGetValue(production, out var rb) && regression.TryGetValue(canary, out var rc))
            {
                comparison = VersionComparison.OfMae(production, rb, canary, rc, minimumCount);
            }
        }

        return new EvaluationReport { Model = manifest.Name, Window = window, Versions = versions, Comparison = comparison, UnmatchedOutcomes = unmatchedOutcomes };
    }

    private static (VersionEvaluation, ClassificationMetrics) Classifier(ModelManifest manifest, List<ScoredOutcome> rows, string[] arms)
    {
        var labels = manifest.Labels;
        var index = ManifestPlan.For(manifest).LabelIndex;
        var classes = labels.Count;
        var withProbabilities = rows.All(r => r.Probabilities is { Count: > 0 });

        // Every prediction feeds the estimate; those with a known outcome (a label the manifest lists) feed the metrics.
        var predicted = new int[rows.Count];
        var probabilities = withProbabilities ? new double[rows.Count * classes] : [];
        var scored = new List<int>(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var known = rows[r].Label is { } label && index.TryGetValue(label, out predicted[r]);
            if (withProbabilities)
            {
                for (var c = 0; c < classes; c++)
                {
                    probabilities[(r * classes) + c] = rows[r].Probabilities!.GetValueOrDefault(labels[c]);
                }
            }

            // A prediction the manifest cannot name (a label the model invented) has no class to score; it counts
            // among the predictions, not in the realised metrics.
            if (known && rows[r].ActualLabel is { } actual && index.ContainsKey(actual))
            {
                scored.Add(r);
            }
        }

        var actualIndexes = scored.Select(r => index[rows[r].ActualLabel!]).ToArray();
        var scoredPredicted = scored.Select(r => predicted[r]).ToArray();
        var scoredProbabilities = withProbabilities ? new double[scored.Count * classes] : [];
        for (var i = 0; withProbabilities && i < scored.Count; i++)
        {
            probabilities.AsSpan(scored[i] * classes, classes).CopyTo(scoredProbabilities.AsSpan(i * classes, classes));
        }

        var metrics = ClassificationMetrics.Compute(classes, actualIndexes, scoredPredicted, scoredProbabilities);
        var estimate = withProbabilities ? PerformanceEstimate.Of(classes, predicted, probabilities) : (double.NaN, null);
        var evaluation = new VersionEvaluation
        {
            Arms = arms,
            Count = rows.Count,
            WithOutcome = scored.Count,
            Metrics = new Dictionary<string, double?>(StringComparer.Ordinal)
            {
                ["accuracy"] = Finite(metrics.Accuracy),
                ["logLoss"] = metrics.LogLoss,
                ["rocAuc"] = metrics.RocAuc,
                ["macroF1"] = metrics.Count == 0 ? null : metrics.MacroF1,
                ["expectedCalibrationError"] = metrics.ExpectedCalibrationError,
            },
            Intervals = MetricIntervals.Of(metrics),
            Estimated = withProbabilities
                ? new Dictionary<string, double?>(StringComparer.Ordinal) { ["accuracy"] = Finite(estimate.Item1), ["rocAuc"] = estimate.Item2 }
                : null,
            Calibration = withProbabilities ? metrics.CalibrationCurve : null,
        };
        return (evaluation, metrics);
    }

    private static (VersionEvaluation, RegressionMetrics) Regressor(List<ScoredOutcome> rows, string[] arms)
    {
        var scored = rows.Where(r => r.Value is not null && r.ActualValue is { } a && double.IsFinite(a)).ToList();
        var metrics = RegressionMetrics.Compute([.. scored.Select(r => r.ActualValue!.Value)], [.. scored.Select(r => r.Value!.Value)]);
        var evaluation = new VersionEvaluation
        {
            Arms = arms,
            Count = rows.Count,
            WithOutcome = scored.Count,
            Metrics = new Dictionary<string, double?>(StringComparer.Ordinal)
            {
                ["mae"] = Finite(metrics.Mae),
                ["rmse"] = Finite(metrics.Rmse),
                ["r2"] = Finite(metrics.R2),
            },
            Intervals = MetricIntervals.Of(metrics),
        };
        return (evaluation, metrics);
    }

    /// <summary>Accuracy (classifiers) or MAE (regressors) per hour for windows up to 2 days, else per day.</summary>
    private static List<TimelinePoint> Timeline(EvaluationWindow window, List<ScoredOutcome> rows, bool classifier)
    {
        var step = window.To - window.From <= TimeSpan.FromDays(2) ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var first = new DateTimeOffset(window.From.UtcTicks - (window.From.UtcTicks % step.Ticks), TimeSpan.Zero);
        var points = new List<TimelinePoint>();
        foreach (var bucket in rows.GroupBy(r => (r.Time.UtcTicks - first.UtcTicks) / step.Ticks).OrderBy(g => g.Key))
        {
            var from = first + (step * bucket.Key);
            var count = bucket.LongCount();
            if (classifier)
            {
                var scored = bucket.Where(r => r.Label is not null && r.ActualLabel is not null).ToList();
                var accuracy = scored.Count == 0 ? (double?)null : (double)scored.Count(r => r.Label == r.ActualLabel) / scored.Count;
                points.Add(new TimelinePoint(from, count, scored.Count, "accuracy", accuracy, accuracy is { } a ? MetricIntervals.Wilson(a, scored.Count) : null));
            }
            else
            {
                var errors = bucket.Where(r => r.Value is not null && r.ActualValue is { } v && double.IsFinite(v)).Select(r => Math.Abs(r.Value!.Value - r.ActualValue!.Value)).ToArray();
                double? mae = errors.Length == 0 ? null : errors.Average();
                double[]? interval = null;
                if (mae is { } m && errors.Length > 1)
                {
                    var sd = Math.Sqrt(errors.Sum(e => (e - m) * (e - m)) / (errors.Length - 1));
                    var half = MetricIntervals.Z95 * sd / Math.Sqrt(errors.Length);
                    interval = [Math.Max(0, m - half), m + half];
                }

                points.Add(new TimelinePoint(from, count, errors.Length, "mae", mae, interval));
            }
        }

        return points;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
