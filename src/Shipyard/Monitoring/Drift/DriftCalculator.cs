using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Drift;

/// <summary>
/// Computes <see cref="FeatureDrift"/> per feature and the dataset verdict, exactly as DESIGN.md §3 defines
/// them (checked against scipy in the reference cases). Missing cells — NaN for numbers; null, empty or "NaN"
/// for categories — are left out of every statistic and reported as the missing rate.
/// </summary>
public static class DriftCalculator
{
    /// <summary>Compares a numeric feature; <paramref name="current"/> may contain NaN (missing).</summary>
    /// <param name="name">Feature name.</param>
    /// <param name="reference">The reference summary, or null when the reference has no values.</param>
    /// <param name="referenceMissingRate">Missing share of the reference (used when <paramref name="reference"/> is null).</param>
    /// <param name="current">Current values, any order.</param>
    public static FeatureDrift Numeric(string name, NumericReference? reference, double referenceMissingRate, ReadOnlySpan<double> current)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sorted = SortedWithoutNaN(current);
        var missingRate = new MissingRate(
            reference?.MissingRate ?? referenceMissingRate,
            current.Length == 0 ? 0.0 : 1.0 - ((double)sorted.Length / current.Length));
        if (reference is null || reference.SortedSample.IsEmpty || sorted.Length == 0)
        {
            return NotComputable(name, FeatureKind.Numeric, missingRate, reference?.Count ?? 0, sorted.Length);
        }

        var walk = Internals.EcdfWalk.Compare(reference.SortedSample.Span, sorted);
        var ks = KolmogorovSmirnov.FromWalk(walk, reference.SortedSample.Length, sorted.Length);
        var currentCounts = reference.Bins.CountValues(sorted);
        var referenceProportions = Proportions(reference.BinCounts.Span);
        var currentProportions = Proportions(currentCounts);
        var decision = DriftRule.Numeric(reference.Count, ks.PValue, walk.Area, reference.StandardDeviation);
        return new FeatureDrift
        {
            Name = name,
            Kind = FeatureKind.Numeric,
            Ks = ks,
            Wasserstein = walk.Area,
            Psi = PopulationStability.Index(referenceProportions, currentProportions),
            JensenShannon = JensenShannon.Distance(referenceProportions, currentProportions),
            MissingRate = missingRate,
            Drifted = DriftRule.IsDrifted(decision),
            Decision = decision,
            ReferenceCount = reference.Count,
            CurrentCount = sorted.Length,
        };
    }

    /// <summary>Compares a categorical feature over the union of categories of both sides.</summary>
    public static FeatureDrift Categorical(string name, CategoryCounts reference, CategoryCounts current)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var missingRate = new MissingRate(reference.MissingRate, current.MissingRate);
        if (reference.Count == 0 || current.Count == 0)
        {
            return NotComputable(name, FeatureKind.Categorical, missingRate, reference.Count, current.Count);
        }

        var categories = reference.Counts.Keys.Union(current.Counts.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var referenceCounts = new double[categories.Length];
        var currentCounts = new double[categories.Length];
        for (var i = 0; i < categories.Length; i++)
        {
            referenceCounts[i] = reference.Counts.GetValueOrDefault(categories[i]);
            currentCounts[i] = current.Counts.GetValueOrDefault(categories[i]);
        }

        var chi = ChiSquare.Homogeneity(referenceCounts, currentCounts);
        var referenceProportions = Proportions(referenceCounts);
        var currentProportions = Proportions(currentCounts);
        var js = JensenShannon.Distance(referenceProportions, currentProportions);
        var decision = DriftRule.Categorical(reference.Count, chi.PValue, js);
        return new FeatureDrift
        {
            Name = name,
            Kind = FeatureKind.Categorical,
            ChiSquare = chi,
            Psi = PopulationStability.Index(referenceProportions, currentProportions),
            JensenShannon = js,
            MissingRate = missingRate,
            Drifted = DriftRule.IsDrifted(decision),
            Decision = decision,
            ReferenceCount = reference.Count,
            CurrentCount = current.Count,
        };
    }

    /// <summary>
    /// Compares every column of <paramref name="reference"/> with the same column of <paramref name="current"/>,
    /// in the reference's column order; features are computed in parallel.
    /// </summary>
    /// <exception cref="InvalidDataException">The current table lacks a reference column, or a column's kind differs.</exception>
    public static DriftComparison Compare(FeatureTable reference, FeatureTable current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        foreach (var name in reference.Names)
        {
            if (!current.Contains(name))
            {
                throw new InvalidDataException($"The current data has no column '{name}' (the reference has it). Columns of the current data: {string.Join(", ", current.Names)}.");
            }

            if (reference.IsCategorical(name) != current.IsCategorical(name))
            {
                throw new InvalidDataException($"Column '{name}' is categorical on one side and numeric on the other; declare it with --categorical.");
            }
        }

        var features = new FeatureDrift[reference.Names.Count];
        Parallel.For(0, features.Length, i =>
        {
            var name = reference.Names[i];
            if (reference.IsCategorical(name))
            {
                features[i] = Categorical(name, Count(reference.Categories(name)), Count(current.Categories(name)));
            }
            else
            {
                var values = reference.Numbers(name);
                var numeric = NumericReference.FromValues(values);
                features[i] = Numeric(name, numeric, values.Length == 0 ? 0.0 : 1.0, current.Numbers(name));
            }
        });

        var categorical = reference.Names.Where(reference.IsCategorical).ToArray();
        return new DriftComparison(categorical, features, DatasetDrift.FromFeatures(features));
    }

    /// <summary>
    /// Compares two CSV files (DESIGN.md §3 CLI contract). Columns named in <paramref name="categorical"/>, and
    /// any column holding text in either file, are categorical on both sides.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is malformed or the current file lacks a reference column.</exception>
    public static DriftComparison CompareCsv(string referencePath, string currentPath, IEnumerable<string>? categorical = null)
    {
        var declared = new HashSet<string>(categorical ?? [], StringComparer.Ordinal);
        var reference = FeatureTable.ReadCsv(referencePath, declared);
        var current = FeatureTable.ReadCsv(currentPath, declared);
        var union = new HashSet<string>(declared, StringComparer.Ordinal);
        union.UnionWith(reference.Names.Where(reference.IsCategorical));
        union.UnionWith(current.Names.Where(current.IsCategorical));
        if (reference.Names.Any(n => union.Contains(n) && !reference.IsCategorical(n)))
        {
            reference = FeatureTable.ReadCsv(referencePath, union.Where(reference.Contains));
        }

        if (current.Names.Any(n => union.Contains(n) && !current.IsCategorical(n)))
        {
            current = FeatureTable.ReadCsv(currentPath, union.Where(current.Contains));
        }

        return Compare(reference, current);
    }

    private static CategoryCounts Count(IReadOnlyList<string?> values)
    {
        var counts = new CategoryCounts();
        foreach (var value in values)
        {
            counts.Add(value);
        }

        return counts;
    }

    private static FeatureDrift NotComputable(string name, FeatureKind kind, MissingRate missingRate, long referenceCount, long currentCount) => new()
    {
        Name = name,
        Kind = kind,
        MissingRate = missingRate,
        Drifted = false,
        Decision = new DriftDecision("none", double.NaN, double.NaN),
        ReferenceCount = referenceCount,
        CurrentCount = currentCount,
    };

    private static double[] SortedWithoutNaN(ReadOnlySpan<double> values)
    {
        var count = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                count++;
            }
        }

        var result = new double[count];
        var k = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                result[k++] = value;
            }
        }

        Array.Sort(result);
        return result;
    }

    private static double[] Proportions(ReadOnlySpan<long> counts)
    {
        var total = 0L;
        foreach (var count in counts)
        {
            total += count;
        }

        var result = new double[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            result[i] = total == 0 ? 0.0 : (double)counts[i] / total;
        }

        return result;
    }

    private static double[] Proportions(ReadOnlySpan<double> counts)
    {
        var total = 0.0;
        foreach (var count in counts)
        {
            total += count;
        }

        var result = new double[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            result[i] = total == 0 ? 0.0 : counts[i] / total;
        }

        return result;
    }
}
