using System.Globalization;
using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Drift;

namespace Shipyard.Monitoring.Reports;

/// <summary>Builds a <see cref="DriftReport"/> from a baseline and the current window's data.</summary>
public static class DriftReportBuilder
{
    private const int MaxListedCategories = 20;

    /// <summary>
    /// Compares <paramref name="current"/> (feature columns, plus a <c>prediction</c> column when available) with
    /// <paramref name="baseline"/>. Fewer than <paramref name="minimumRows"/> rows give an insufficient-data report.
    /// </summary>
    public static DriftReport Build(BaselineProfile baseline, FeatureTable current, DateTimeOffset windowStart, DateTimeOffset windowEnd, long minimumRows, DateTimeOffset created, long skippedRecords = 0)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        var rows = Math.Max(current.RowCount, 0);
        var report = new DriftReport
        {
            Model = baseline.Model,
            Version = baseline.Version,
            Created = created,
            WindowStart = windowStart,
            WindowEnd = windowEnd,
            Status = DriftStatus.InsufficientData,
            Rows = rows,
            MinimumRows = minimumRows,
            SkippedRecords = skippedRecords,
        };
        if (rows < minimumRows || rows == 0)
        {
            return report;
        }

        var comparison = BaselineDrift.Compare(baseline, current);
        var features = comparison.Features
            .Select((drift, i) => Describe(baseline.Features[i], drift, current, baseline.Features[i].Name))
            .OrderByDescending(f => f.Drift.Drifted)
            .ThenByDescending(f => f.DriftScore)
            .ThenBy(f => f.Drift.Name, StringComparer.Ordinal)
            .ToArray();
        FeatureReport? prediction = null;
        if (baseline.Prediction is { } predictionProfile && current.Contains(BaselineProfiler.PredictionColumn))
        {
            var drift = BaselineDrift.CompareFeature(predictionProfile, current, BaselineProfiler.PredictionColumn);
            prediction = Describe(predictionProfile, drift, current, BaselineProfiler.PredictionColumn);
        }

        return report with
        {
            Status = comparison.DatasetDrift.Drifted ? DriftStatus.Drift : DriftStatus.NoDrift,
            DatasetDrift = comparison.DatasetDrift,
            TopDriftedFeatures = [.. features.Where(f => f.Drift.Drifted).Take(10).Select(f => f.Drift.Name)],
            Features = features,
            Prediction = prediction,
        };
    }

    private static FeatureReport Describe(FeatureProfile profile, FeatureDrift drift, FeatureTable current, string column)
    {
        if (profile.IsCategorical)
        {
            var counts = BaselineDrift.CompareFeatureCounts(current, column);
            var reference = profile.Categories!;
            var unseen = counts.Counts.Where(c => !reference.ContainsKey(c.Key)).OrderByDescending(c => c.Value).ToArray();
            return new FeatureReport
            {
                Drift = drift,
                UnseenCategories = [.. unseen.Take(MaxListedCategories).Select(c => c.Key)],
                UnseenCategoryShare = counts.Count == 0 ? 0.0 : (double)unseen.Sum(c => c.Value) / counts.Count,
                Chart = CategoryChart(reference, counts.Counts),
            };
        }

        var values = BaselineDrift.CurrentNumbers(current, column);
        long seen = 0, outside = 0;
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                continue;
            }

            seen++;
            if ((profile.Min is { } min && value < min) || (profile.Max is { } max && value > max))
            {
                outside++;
            }
        }

        return new FeatureReport
        {
            Drift = drift,
            OutsideTrainingRange = seen == 0 ? 0.0 : (double)outside / seen,
            Chart = profile.Deciles is { Count: > 0 } deciles && profile.Histogram is { } histogram ? BinChart(deciles, histogram, values) : null,
        };
    }

    private static DistributionChart BinChart(IReadOnlyList<double> edges, IReadOnlyList<long> histogram, double[] values)
    {
        var bins = new Statistics.DecileBins(edges);
        var counts = bins.CountValues(values.Where(v => !double.IsNaN(v)).ToArray());
        var labels = new string[bins.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = i == 0 ? $"≤ {Format(edges[0])}"
                : i == labels.Length - 1 ? $"> {Format(edges[^1])}"
                : $"{Format(edges[i - 1])} – {Format(edges[i])}";
        }

        return new DistributionChart(labels, Normalize(histogram), Normalize(counts));
    }

    private static DistributionChart CategoryChart(IReadOnlyDictionary<string, long> reference, IReadOnlyDictionary<string, long> current)
    {
        var categories = reference.Keys.Union(current.Keys, StringComparer.Ordinal)
            .OrderByDescending(c => reference.GetValueOrDefault(c) + current.GetValueOrDefault(c))
            .ThenBy(c => c, StringComparer.Ordinal)
            .ToList();
        var shown = categories.Take(MaxListedCategories).ToList();
        var referenceCounts = shown.Select(c => reference.GetValueOrDefault(c)).ToList();
        var currentCounts = shown.Select(c => current.GetValueOrDefault(c)).ToList();
        if (categories.Count > shown.Count)
        {
            var rest = categories.Skip(shown.Count).ToArray();
            shown.Add($"(other {rest.Length})");
            referenceCounts.Add(rest.Sum(c => reference.GetValueOrDefault(c)));
            currentCounts.Add(rest.Sum(c => current.GetValueOrDefault(c)));
        }

        return new DistributionChart(shown, Normalize(referenceCounts), Normalize(currentCounts));
    }

    private static double[] Normalize(IReadOnlyList<long> counts)
    {
        var total = counts.Sum();
        return [.. counts.Select(c => total == 0 ? 0.0 : (double)c / total)];
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
