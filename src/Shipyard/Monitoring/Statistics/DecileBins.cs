namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// The bins PSI and Jensen–Shannon use for numeric features (DESIGN.md §3): edges at the unique reference
/// deciles 0.1…0.9, computed like <c>numpy.quantile(x, q)</c> with its default "linear" method
/// (Hyndman &amp; Fan type 7), and right-closed bins (−∞, e₁], (e₁, e₂], …, (eₖ, ∞). Up to 10 bins; fewer when
/// deciles coincide (a constant feature has one edge and two bins).
/// </summary>
public sealed class DecileBins
{
    private readonly double[] _edges;

    /// <summary>Bins with the given ascending, distinct, finite edges (for example read back from a baseline).</summary>
    /// <exception cref="ArgumentException">The edges are empty, not strictly ascending, or not finite.</exception>
    public DecileBins(IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count == 0)
        {
            throw new ArgumentException("Bins need at least one edge.", nameof(edges));
        }

        for (var i = 0; i < edges.Count; i++)
        {
            if (double.IsNaN(edges[i]) || (i > 0 && edges[i] <= edges[i - 1]))
            {
                throw new ArgumentException($"Bin edges must be ascending and distinct numbers; edge {i} is {edges[i]}.", nameof(edges));
            }
        }

        _edges = [.. edges];
    }

    /// <summary>The distinct edges, ascending.</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>Number of bins: one more than the number of edges.</summary>
    public int Count => _edges.Length + 1;

    /// <summary>Edges at the unique deciles of an ascending, NaN-free, non-empty sample.</summary>
    /// <exception cref="ArgumentException">The sample is empty.</exception>
    public static DecileBins FromSorted(ReadOnlySpan<double> sorted)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("Decile bins need at least one reference value.", nameof(sorted));
        }

        var edges = new List<double>(9);
        for (var k = 1; k <= 9; k++)
        {
            var value = Quantile(sorted, k / 10.0);
            if (edges.Count == 0 || value > edges[^1])
            {
                edges.Add(value);
            }
        }

        return new DecileBins(edges);
    }

    /// <summary>
    /// numpy's linear quantile: position (n − 1)·q, then numpy's own two-sided lerp (a + (b − a)t for t &lt; ½,
    /// b − (b − a)(1 − t) otherwise) so that edges equal numpy's to the last bit.
    /// </summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("A quantile needs at least one value.", nameof(sorted));
        }

        var position = (sorted.Length - 1) * q;
        var below = (int)Math.Floor(position);
        below = Math.Clamp(below, 0, sorted.Length - 1);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var t = position - below;
        double a = sorted[below], b = sorted[above];
        var difference = b - a;
        return t >= 0.5 ? b - (difference * (1 - t)) : a + (difference * t);
    }

    /// <summary>The bin holding <paramref name="value"/>: the number of edges strictly below it.</summary>
    public int BinOf(double value)
    {
        int low = 0, high = _edges.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_edges[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Counts NaN-free values per bin.</summary>
    public long[] CountValues(ReadOnlySpan<double> values)
    {
        var counts = new long[Count];
        foreach (var value in values)
        {
            counts[BinOf(value)]++;
        }

        return counts;
    }
}
