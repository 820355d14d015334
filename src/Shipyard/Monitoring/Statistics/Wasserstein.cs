using Shipyard.Monitoring.Internals;

namespace Shipyard.Monitoring.Statistics;

/// <summary>
/// First Wasserstein (earth mover's) distance between two one-dimensional samples, as
/// <c>scipy.stats.wasserstein_distance(u, v)</c>: W₁ = ∫ |F_u(x) − F_v(x)| dx over the merged sample points
/// (Ramdas, García Trillos &amp; Cuturi, "On Wasserstein Two-Sample Testing", Entropy 19(2), 2017, eq. 3).
/// </summary>
public static class Wasserstein
{
    /// <summary>W₁ of two ascending, NaN-free, non-empty samples, in the units of the data.</summary>
    /// <exception cref="ArgumentException">A sample is empty.</exception>
    public static double Distance(ReadOnlySpan<double> sortedFirst, ReadOnlySpan<double> sortedSecond)
    {
        if (sortedFirst.IsEmpty || sortedSecond.IsEmpty)
        {
            throw new ArgumentException("Both samples need at least one value for a Wasserstein distance.");
        }

        return EcdfWalk.Compare(sortedFirst, sortedSecond).Area;
    }
}
