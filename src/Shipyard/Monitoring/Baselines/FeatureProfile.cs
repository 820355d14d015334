using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Baselines;

/// <summary>
/// The training-data profile of one feature (or of the model's predictions) in baseline.json.
/// Numeric: moments, the unique decile edges and exact counts per bin (PSI/JS need nothing else), and a
/// sorted reservoir sample for KS/Wasserstein. String: counts per category.
/// </summary>
public sealed record FeatureProfile
{
    /// <summary>Feature name.</summary>
    public required string Name { get; init; }

    /// <summary>Manifest type: float, int or string.</summary>
    public required string Type { get; init; }

    /// <summary>Non-missing values.</summary>
    public required long Count { get; init; }

    /// <summary>Missing values (empty or NaN).</summary>
    public required long Missing { get; init; }

    /// <summary>Missing / (Count + Missing).</summary>
    public required double MissingRate { get; init; }

    /// <summary>Smallest value (numeric; null when there is none).</summary>
    public double? Min { get; init; }

    /// <summary>Largest value (numeric).</summary>
    public double? Max { get; init; }

    /// <summary>Mean (numeric).</summary>
    public double? Mean { get; init; }

    /// <summary>Population standard deviation, ddof 0 (numeric).</summary>
    public double? Std { get; init; }

    /// <summary>Unique decile edges: the PSI/JS bin edges (numeric).</summary>
    public IReadOnlyList<double>? Deciles { get; init; }

    /// <summary>Training counts per bin, one more than the edges (numeric).</summary>
    public IReadOnlyList<long>? Histogram { get; init; }

    /// <summary>Ascending uniform sample of at most the baseline's sample size (numeric; all values when fewer).</summary>
    public IReadOnlyList<double>? Sample { get; init; }

    /// <summary>Counts per category (string features and label predictions).</summary>
    public IReadOnlyDictionary<string, long>? Categories { get; init; }

    /// <summary>True when the profile holds categories rather than numbers.</summary>
    public bool IsCategorical => Categories is not null;

    /// <summary>The reference side of the numeric drift statistics, or null when there were no values.</summary>
    /// <exception cref="InvalidDataException">The profile is categorical or inconsistent.</exception>
    public NumericReference? ToNumericReference()
    {
        if (IsCategorical)
        {
            throw new InvalidDataException($"Feature '{Name}' is profiled as categories, not numbers.");
        }

        if (Count == 0 || Deciles is not { Count: > 0 } || Histogram is null || Sample is not { Count: > 0 })
        {
            return null;
        }

        try
        {
            return new NumericReference([.. Sample], new DecileBins(Deciles), [.. Histogram], Count, Missing, Std ?? 0.0);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"Baseline feature '{Name}' is inconsistent: {ex.Message}", ex);
        }
    }

    /// <summary>The reference category counts.</summary>
    /// <exception cref="InvalidDataException">The profile is numeric.</exception>
    public CategoryCounts ToCategoryCounts()
    {
        if (Categories is null)
        {
            throw new InvalidDataException($"Feature '{Name}' is profiled as numbers, not categories.");
        }

        var counts = new CategoryCounts();
        foreach (var (category, count) in Categories)
        {
            counts.Add(category, count);
        }

        counts.AddMissing(Missing);
        return counts;
    }
}
