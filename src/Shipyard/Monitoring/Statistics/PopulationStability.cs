namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// Population Stability Index over matching bins: Σᵢ (cᵢ − rᵢ) · ln(cᵢ / rᵢ), with every proportion first
/// floored at <see cref="ProportionFloor"/> so empty bins contribute a finite amount (the convention of
/// Evidently's <c>psi</c> stat test; Yurdakul, "Statistical Properties of Population Stability Index", 2018).
/// </summary>
public static class PopulationStability
{
    /// <summary>Smallest proportion used in the index (DESIGN.md §3: 1e-4).</summary>
    public const double ProportionFloor = 1e-4;

    /// <summary>PSI of the current proportions against the reference proportions (same bins, same order).</summary>
    /// <exception cref="ArgumentException">The two spans have different lengths.</exception>
    public static double Index(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        if (reference.Length != current.Length)
        {
            throw new ArgumentException($"PSI needs matching bins: the reference has {reference.Length}, the current data {current.Length}.");
        }

        var sum = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            var r = Math.Max(reference[i], ProportionFloor);
            var c = Math.Max(current[i], ProportionFloor);
            sum += (c - r) * Math.Log(c / r);
        }

        return sum;
    }
}
