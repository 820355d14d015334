namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// How well a regressor's values matched the outcomes, as scikit-learn computes them (equal to 1e-9 on the same data):
/// <c>mean_absolute_error</c>, the square root of <c>mean_squared_error</c>, and <c>r2_score</c> (1 − SSres / SStot;
/// with constant outcomes 1 when every prediction is exact, else 0, scikit-learn's <c>force_finite</c>).
/// </summary>
public sealed record RegressionMetrics
{
    /// <summary>Predictions with an outcome.</summary>
    public required long Count { get; init; }

    /// <summary>Mean absolute error.</summary>
    public required double Mae { get; init; }

    /// <summary>Root mean squared error.</summary>
    public required double Rmse { get; init; }

    /// <summary>Coefficient of determination.</summary>
    public required double R2 { get; init; }

    /// <summary>Standard deviations (ddof 0) of the absolute and of the squared errors, for their intervals.</summary>
    public (double AbsoluteError, double SquaredError) Deviations { get; init; }

    /// <summary>Metrics of <paramref name="predicted"/> values against <paramref name="actual"/> outcomes.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static RegressionMetrics Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length)
        {
            throw new ArgumentException($"{actual.Length} outcomes but {predicted.Length} predictions.");
        }

        var n = actual.Length;
        double absMean = 0, absM2 = 0, sqMean = 0, sqM2 = 0, actualMean = 0;
        for (var i = 0; i < n; i++)
        {
            var error = actual[i] - predicted[i];
            Welford(Math.Abs(error), i, ref absMean, ref absM2);
            Welford(error * error, i, ref sqMean, ref sqM2);
            actualMean += actual[i];
        }

        actualMean /= n;
        double residual = 0, total = 0;
        for (var i = 0; i < n; i++)
        {
            residual += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            total += (actual[i] - actualMean) * (actual[i] - actualMean);
        }

        return new RegressionMetrics
        {
            Count = n,
            Mae = n == 0 ? double.NaN : absMean,
            Rmse = n == 0 ? double.NaN : Math.Sqrt(sqMean),
            R2 = n == 0 ? double.NaN : total == 0 ? (residual == 0 ? 1.0 : 0.0) : 1 - (residual / total),
            Deviations = (Math.Sqrt(absM2 / Math.Max(n, 1)), Math.Sqrt(sqM2 / Math.Max(n, 1))),
        };
    }

    private static void Welford(double value, int index, ref double mean, ref double m2)
    {
        var delta = value - mean;
        mean += delta / (index + 1);
        m2 += delta * (value - mean);
    }
}
