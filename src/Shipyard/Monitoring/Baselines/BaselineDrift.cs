using System.Globalization;
using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Baselines;

/// <summary>
/// Drift of current data against a <see cref="BaselineProfile"/> instead of raw reference data. PSI, JS,
/// chi-square and the missing rates are exact (the baseline keeps exact bin and category counts); KS and
/// Wasserstein use the baseline's reservoir sample, exact while the training data had at most
/// <see cref="BaselineProfile.SampleSize"/> values (see docs/drift.md for the error beyond that).
/// </summary>
public static class BaselineDrift
{
    /// <summary>Compares every baseline feature with the same column of <paramref name="current"/>; a column the
    /// current data lacks counts as all missing.</summary>
    public static DriftComparison Compare(BaselineProfile baseline, FeatureTable current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        var features = new FeatureDrift[baseline.Features.Count];
        Parallel.For(0, features.Length, i => features[i] = CompareFeature(baseline.Features[i], current, baseline.Features[i].Name));
        var categorical = baseline.Features.Where(f => f.IsCategorical).Select(f => f.Name).ToArray();
        return new DriftComparison(categorical, features, DatasetDrift.FromFeatures(features));
    }

    /// <summary>Compares one profile with a column of <paramref name="current"/> (named <paramref name="column"/>).</summary>
    public static FeatureDrift CompareFeature(FeatureProfile profile, FeatureTable current, string column)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(current);
        return profile.IsCategorical
            ? DriftCalculator.Categorical(profile.Name, profile.ToCategoryCounts(), CompareFeatureCounts(current, column))
            : DriftCalculator.Numeric(profile.Name, profile.ToNumericReference(), profile.MissingRate, CurrentNumbers(current, column));
    }

    /// <summary>
    /// Category counts of a current column: numbers are written back in round-trip form ("3", "0.5"); a column
    /// the data lacks is all missing.
    /// </summary>
    public static CategoryCounts CompareFeatureCounts(FeatureTable current, string column)
    {
        ArgumentNullException.ThrowIfNull(current);
        var counts = new CategoryCounts();
        if (!current.Contains(column))
        {
            counts.AddMissing(Math.Max(current.RowCount, 0));
        }
        else if (current.IsCategorical(column))
        {
            foreach (var value in current.Categories(column))
            {
                counts.Add(value);
            }
        }
        else
        {
            foreach (var value in current.Numbers(column))
            {
                counts.Add(double.IsNaN(value) ? null : value.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        return counts;
    }

    /// <summary>Numbers of a current column (NaN = missing): text that is not a number is missing; a column the data lacks is all missing.</summary>
    public static double[] CurrentNumbers(FeatureTable current, string column)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (!current.Contains(column))
        {
            var values = new double[Math.Max(current.RowCount, 0)];
            Array.Fill(values, double.NaN);
            return values;
        }

        return current.IsCategorical(column)
            ? [.. current.Categories(column).Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN)]
            : current.Numbers(column);
    }
}
