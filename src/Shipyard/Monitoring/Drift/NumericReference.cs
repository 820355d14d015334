using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Drift;

/// <summary>
/// What the numeric statistics need from the reference side: an ascending sample for KS and Wasserstein
/// (all values when built from raw data; a reservoir sample when read from a baseline), the decile bins
/// with the reference counts per bin for PSI and Jensen–Shannon (always exact), the full count (for the
/// drift rule) and the standard deviation (ddof 0, for the normed Wasserstein).
/// </summary>
public sealed class NumericReference
{
    /// <summary>Builds the reference from a summary (for example a baseline profile).</summary>
    /// <exception cref="ArgumentException">The parts disagree (bin counts vs bins) or the sample is not sorted.</exception>
    public NumericReference(double[] sortedSample, DecileBins bins, long[] binCounts, long count, long missing, double standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(sortedSample);
        ArgumentNullException.ThrowIfNull(bins);
        ArgumentNullException.ThrowIfNull(binCounts);
        if (binCounts.Length != bins.Count)
        {
            throw new ArgumentException($"{bins.Count} bins need {bins.Count} counts, got {binCounts.Length}.", nameof(binCounts));
        }

        for (var i = 1; i < sortedSample.Length; i++)
        {
            if (!(sortedSample[i - 1] <= sortedSample[i]))
            {
                throw new ArgumentException("The reference sample must be sorted ascending and free of NaN.", nameof(sortedSample));
            }
        }

        SortedSample = sortedSample;
        Bins = bins;
        BinCounts = binCounts;
        Count = count;
        Missing = missing;
        StandardDeviation = standardDeviation;
    }

    /// <summary>Ascending NaN-free sample used by KS and Wasserstein.</summary>
    public ReadOnlyMemory<double> SortedSample { get; }

    /// <summary>Bins at the reference deciles.</summary>
    public DecileBins Bins { get; }

    /// <summary>Reference counts per bin.</summary>
    public ReadOnlyMemory<long> BinCounts { get; }

    /// <summary>Non-missing reference values.</summary>
    public long Count { get; }

    /// <summary>Missing reference values.</summary>
    public long Missing { get; }

    /// <summary>Population standard deviation of the reference.</summary>
    public double StandardDeviation { get; }

    /// <summary>Missing share of the reference.</summary>
    public double MissingRate => Count + Missing == 0 ? 0.0 : 1.0 - ((double)Count / (Count + Missing));

    /// <summary>Builds an exact reference from raw values (NaN = missing). Sorts a copy.</summary>
    /// <returns>The reference, or null when every value is missing.</returns>
    public static NumericReference? FromValues(ReadOnlySpan<double> values)
    {
        var moments = new RunningMoments();
        moments.AddRange(values);
        var sorted = new double[moments.Count];
        var k = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                sorted[k++] = value;
            }
        }

        if (sorted.Length == 0)
        {
            return null;
        }

        Array.Sort(sorted);
        var bins = DecileBins.FromSorted(sorted);
        return new NumericReference(sorted, bins, bins.CountValues(sorted), moments.Count, moments.Missing, moments.PopulationStandardDeviation);
    }
}
