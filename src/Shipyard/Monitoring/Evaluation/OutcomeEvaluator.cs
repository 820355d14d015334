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
                versions[group.Key] = evaluation with { Timeline = Timeline(window, list, manifest) };
                classification[group.Key] = metrics;
            }
            else
            {
                var (evaluation, metrics) = Regressor(list, arms);
                versions[group.Key] = evaluation with { Timeline = Timeline(window, list, manifest) };
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
            if (known && Scored(rows[r], index))
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
        var scored = rows.Where(Scored).ToList();
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

    /// <summary>Accuracy (classifiers) or MAE (regressors) per hour for windows up to 2 days, else per day: each bucket
    /// scored and bounded as the version's own metric is (the same rows, <see cref="MetricIntervals"/>).</summary>
    private static List<TimelinePoint> Timeline(EvaluationWindow window, List<ScoredOutcome> rows, ModelManifest manifest)
    {
        var step = window.To - window.From <= TimeSpan.FromDays(2) ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var first = new DateTimeOffset(window.From.UtcTicks - (window.From.UtcTicks % step.Ticks), TimeSpan.Zero);
        var index = manifest.IsClassifier ? ManifestPlan.For(manifest).LabelIndex : null;
        var points = new List<TimelinePoint>();
        foreach (var bucket in rows.GroupBy(r => (r.Time.UtcTicks - first.UtcTicks) / step.Ticks).OrderBy(g => g.Key))
        {
            var from = first + (step * bucket.Key);
            var count = bucket.LongCount();
            if (index is not null)
            {
                var scored = bucket.Where(r => Scored(r, index)).ToList();
                var accuracy = scored.Count == 0 ? (double?)null : (double)scored.Count(r => r.Label == r.ActualLabel) / scored.Count;
                points.Add(new TimelinePoint(from, count, scored.Count, "accuracy", accuracy, accuracy is { } a ? MetricIntervals.Wilson(a, scored.Count) : null));
            }
            else
            {
                var scored = bucket.Where(Scored).ToList();
                var metrics = RegressionMetrics.Compute([.. scored.Select(r => r.ActualValue!.Value)], [.. scored.Select(r => r.Value!.Value)]);
                var mae = scored.Count == 0 ? null : Finite(metrics.Mae);
                points.Add(new TimelinePoint(from, count, scored.Count, "mae", mae, mae is not null && scored.Count > 1 ? MetricIntervals.Of(metrics)["mae"] : null));
            }
        }

        return points;
    }

    // The rows the realised metrics score: a classifier's prediction and outcome are both labels of the manifest (a
    // label the model invented has no class), a regressor's outcome is a finite number.
    private static bool Scored(ScoredOutcome row, Dictionary<string, int> labelIndex) =>
        row.Label is { } label && labelIndex.ContainsKey(label) && row.ActualLabel is { } actual && labelIndex.ContainsKey(actual);

    private static bool Scored(ScoredOutcome row) => row.Value is not null && row.ActualValue is { } actual && double.IsFinite(actual);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
