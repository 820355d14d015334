namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// A uniform random sample of at most <see cref="Capacity"/> values from a stream of unknown length
/// (Vitter's Algorithm R, "Random Sampling with a Reservoir", ACM TOMS 11(1), 1985): every value seen has
/// the same probability Capacity/n of being kept. Seeded, so the same data and seed give the same sample.
/// NaN (missing) is skipped. While n ≤ Capacity the sample is the whole stream, so statistics on it are exact.
/// </summary>
public sealed class ReservoirSample
{
    private readonly List<double> _values;
    private readonly Random _random;

    /// <summary>An empty reservoir.</summary>
    /// <param name="capacity">Largest sample kept (default 10,000).</param>
    /// <param name="seed">Seed of the generator that picks replacements.</param>
    public ReservoirSample(int capacity = 10_000, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _values = new List<double>(Math.Min(capacity, 1024));
        _random = new Random(seed);
    }

    /// <summary>Largest sample kept.</summary>
    public int Capacity { get; }

    /// <summary>Non-missing values offered so far.</summary>
    public long Seen { get; private set; }

    /// <summary>The current sample, in no particular order.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>Offers a value; NaN is ignored.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        Seen++;
        if (_values.Count < Capacity)
        {
            _values.Add(value);
            return;
        }

        var slot = _random.NextInt64(Seen);
        if (slot < Capacity)
        {
            _values[(int)slot] = value;
        }
    }

    /// <summary>The sample sorted ascending (a copy).</summary>
    public double[] ToSortedArray()
    {
        var result = _values.ToArray();
        Array.Sort(result);
        return result;
    }
}
