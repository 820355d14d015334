namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// Streaming counts per category of a string feature. Null, empty and "NaN" (any case) count as missing,
/// as pandas reads them; everything else is a category, compared ordinally after trimming.
/// </summary>
public sealed class CategoryCounts
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Number of non-missing values.</summary>
    public long Count { get; private set; }

    /// <summary>Number of missing values.</summary>
    public long Missing { get; private set; }

    /// <summary>Counts per category (no particular order).</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>Missing values as a share of all values seen (0 when nothing was seen).</summary>
    public double MissingRate => Count + Missing == 0 ? 0.0 : 1.0 - ((double)Count / (Count + Missing));

    /// <summary>True for the values treated as missing: null, empty/whitespace, or "NaN" in any case.</summary>
    public static bool IsMissing(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Equals("nan", StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds one value.</summary>
    public void Add(string? value)
    {
        if (IsMissing(value))
        {
            Missing++;
            return;
        }

        Add(value!.Trim(), 1);
    }

    /// <summary>Adds <paramref name="count"/> occurrences of a (non-missing) category.</summary>
    public void Add(string category, long count)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _counts[category] = _counts.GetValueOrDefault(category) + count;
        Count += count;
    }

    /// <summary>Adds <paramref name="count"/> missing values.</summary>
    public void AddMissing(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Missing += count;
    }

    /// <summary>Folds another accumulator into this one.</summary>
    public void Merge(CategoryCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (category, count) in other._counts)
        {
            Add(category, count);
        }

        Missing += other.Missing;
    }
}
