namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// Streaming count, missing count, minimum, maximum, mean and variance of a numeric feature in one pass.
/// Welford's update (Welford, Technometrics 4(3), 1962) avoids the catastrophic cancellation of Σx² − (Σx)²/n;
/// <see cref="Merge"/> uses the pairwise combination of Chan, Golub &amp; LeVeque (1979), so partial accumulators
/// built in parallel combine exactly. NaN counts as missing and changes nothing else; ±∞ are values.
/// Needs one value for mean/min/max and the population variance (ddof 0), two for the sample variance.
/// </summary>
public sealed class RunningMoments
{
    private double _mean;
    private double _m2;

    /// <summary>Number of non-missing values.</summary>
    public long Count { get; private set; }

    /// <summary>Number of NaN (missing) values seen.</summary>
    public long Missing { get; private set; }

    /// <summary>Smallest value, NaN while empty.</summary>
    public double Min { get; private set; } = double.NaN;

    /// <summary>Largest value, NaN while empty.</summary>
    public double Max { get; private set; } = double.NaN;

    /// <summary>Arithmetic mean, NaN while empty.</summary>
    public double Mean => Count > 0 ? _mean : double.NaN;

    /// <summary>Population variance (divides by n, numpy's default ddof = 0), NaN while empty.</summary>
    public double PopulationVariance => Count > 0 ? _m2 / Count : double.NaN;

    /// <summary>Population standard deviation (ddof = 0), NaN while empty.</summary>
    public double PopulationStandardDeviation => Math.Sqrt(PopulationVariance);

    /// <summary>Missing values as a share of all values seen (0 when nothing was seen).</summary>
    public double MissingRate => Count + Missing == 0 ? 0.0 : 1.0 - ((double)Count / (Count + Missing));

    /// <summary>Adds one value; NaN counts as missing.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            Missing++;
            return;
        }

        Count++;
        if (Count == 1)
        {
            Min = Max = value;
        }
        else
        {
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
        }

        var delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
    }

    /// <summary>Adds every value of a span.</summary>
    public void AddRange(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            Add(value);
        }
    }

    /// <summary>Folds another accumulator into this one, as if its values had been added here.</summary>
    public void Merge(RunningMoments other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Missing += other.Missing;
        if (other.Count == 0)
        {
            return;
        }

        if (Count == 0)
        {
            Count = other.Count;
            _mean = other._mean;
            _m2 = other._m2;
            Min = other.Min;
            Max = other.Max;
            return;
        }

        double n1 = Count, n2 = other.Count, n = n1 + n2;
        var delta = other._mean - _mean;
        _mean += delta * n2 / n;
        _m2 += other._m2 + (delta * delta * n1 * n2 / n);
        Count += other.Count;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }
}
