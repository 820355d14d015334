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
    public static EvaluationReport Evaluate(ModelManifest manifest, EvaluationWindow window, IEnumerable<ScoredOutcome> rows, string? production, string? canary, long minimumCount)
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
                versions[group.Key] = evaluation;
                classification[group.Key] = metrics;
            }
            else
            {
                var (evaluation, metrics) = Regressor(list, arms);
                versions[group.Key] = evaluation;
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

        return new EvaluationReport { Model = manifest.Name, Window = window, Versions = versions, Comparison = comparison };
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
        var scoredProbabilities = withProbabilities ? scored.SelectMany(r => probabilities.AsSpan(r * classes, classes).ToArray()).ToArray() : [];
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

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
