using Shipyard.Monitoring.Internals;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// 95% confidence intervals of the evaluation metrics, each by the method that fits it and stays fast at a million rows:
/// Wilson's score interval for accuracy (Wilson, JASA 1927); the normal interval of a mean (1.96 standard errors) for log
/// loss, MAE and MSE (RMSE is the square root of MSE's bounds); Hanley &amp; McNeil's standard error for ROC AUC
/// (Radiology 143, 1982); and for macro F1 a Poisson bootstrap of the confusion matrix (1,000 resamples, each cell drawn
/// from Poisson(its count), fixed seed: the same data always gives the same interval). R² and the calibration error get
/// none.
/// </summary>
public static class MetricIntervals
{
    /// <summary>The z value of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    private const int BootstrapResamples = 1000;

    /// <summary>Intervals of a classifier's metrics, by metric name (report names: accuracy, logLoss, rocAuc, macroF1).</summary>
    public static Dictionary<string, double[]> Of(ClassificationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var intervals = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (metrics.Count == 0)
        {
            return intervals;
        }

        intervals["accuracy"] = Wilson(metrics.Accuracy, metrics.Count);
        if (metrics.LogLoss is { } logLoss && metrics.LogLossStandardDeviation is { } deviation)
        {
            intervals["logLoss"] = Mean(logLoss, deviation, metrics.Count);
        }

        if (metrics.RocAuc is { } auc)
        {
            var (positives, negatives) = metrics.AucCounts;
            double q1 = auc / (2 - auc), q2 = 2 * auc * auc / (1 + auc);
            var error = Math.Sqrt(((auc * (1 - auc)) + ((positives - 1) * (q1 - (auc * auc))) + ((negatives - 1) * (q2 - (auc * auc)))) / (positives * (double)negatives));
            intervals["rocAuc"] = [Math.Max(0, auc - (Z95 * error)), Math.Min(1, auc + (Z95 * error))];
        }

        intervals["macroF1"] = BootstrapMacroF1(metrics.Confusion);
        return intervals;
    }

    /// <summary>Intervals of a regressor's metrics (mae, rmse).</summary>
    public static Dictionary<string, double[]> Of(RegressionMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var intervals = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (metrics.Count == 0)
        {
            return intervals;
        }

        intervals["mae"] = Mean(metrics.Mae, metrics.Deviations.AbsoluteError, metrics.Count);
        var mse = Mean(metrics.Rmse * metrics.Rmse, metrics.Deviations.SquaredError, metrics.Count);
        intervals["rmse"] = [Math.Sqrt(Math.Max(0, mse[0])), Math.Sqrt(mse[1])];
        return intervals;
    }

    /// <summary>Wilson's score interval of a proportion <paramref name="p"/> of <paramref name="n"/> trials.</summary>
    public static double[] Wilson(double p, long n)
    {
        var z2 = Z95 * Z95;
        var centre = (p + (z2 / (2 * n))) / (1 + (z2 / n));
        var half = Z95 * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / (1 + (z2 / n));
        return [Math.Max(0, centre - half), Math.Min(1, centre + half)];
    }

    /// <summary>Two-sided p-value of a standard normal statistic <paramref name="z"/>: erfc(|z|/√2) = Q(½, z²/2).</summary>
    public static double NormalPValue(double z) =>
        double.IsFinite(z) ? SpecialFunctions.UpperRegularizedGamma(0.5, z * z / 2) : (double.IsNaN(z) ? double.NaN : 0);

    private static double[] Mean(double mean, double deviation, long n)
    {
        var half = Z95 * deviation / Math.Sqrt(n);
        return [mean - half, mean + half];
    }

    private static double[] BootstrapMacroF1(long[] confusion)
    {
        var classes = (int)Math.Sqrt(confusion.Length);
        var random = new Random(20261206);
        var resampled = new long[confusion.Length];
        var values = new double[BootstrapResamples];
        for (var b = 0; b < BootstrapResamples; b++)
        {
            for (var i = 0; i < confusion.Length; i++)
            {
                resampled[i] = Poisson(random, confusion[i]);
            }

            values[b] = ClassificationMetrics.MacroF1Of(resampled, classes);
        }

        Array.Sort(values);
        return [values[(int)(0.025 * (BootstrapResamples - 1))], values[(int)Math.Ceiling(0.975 * (BootstrapResamples - 1))]];
    }

    /// <summary>A Poisson(λ) draw: Knuth's product method for small λ, the normal approximation above 50.</summary>
    private static long Poisson(Random random, long lambda)
    {
        if (lambda == 0)
        {
            return 0;
        }

        if (lambda > 50)
        {
            // Box–Muller standard normal.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Max(0, (long)Math.Round(lambda + (Math.Sqrt(lambda) * normal)));
        }

        var limit = Math.Exp(-lambda);
        long k = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }

        return k;
    }
}
