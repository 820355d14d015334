namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// How well a classifier's predictions matched the outcomes, computed as scikit-learn computes them (values equal to
/// 1e-9 on the same data, tested against scikit-learn 1.2): <c>accuracy_score</c>; <c>log_loss(labels=range(C))</c>
/// (probabilities clipped to [ε, 1 − ε] with ε = 2.2e-16, float64's machine epsilon, then each row renormalised);
/// <c>roc_auc_score</c> of the second label's probability for binary models; <c>f1_score(average="macro",
/// labels=range(C), zero_division=0)</c> over every class of the manifest; and the expected calibration error over 10
/// equal-width bins of the predicted class's probability (Naeini et al., AAAI 2015; not in scikit-learn).
/// </summary>
public sealed record ClassificationMetrics
{
    private const double Epsilon = 2.220446049250313e-16;
    private const int CalibrationBins = 10;

    /// <summary>Predictions with an outcome.</summary>
    public required long Count { get; init; }

    /// <summary>Share of predictions whose label was the outcome.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Mean negative log-probability of the outcome; null when the model gives no probabilities.</summary>
    public double? LogLoss { get; init; }

    /// <summary>Area under the ROC curve (binary models with both classes among the outcomes); else null.</summary>
    public double? RocAuc { get; init; }

    /// <summary>Unweighted mean of the per-class F1 scores (0 for a class never predicted nor seen).</summary>
    public required double MacroF1 { get; init; }

    /// <summary>Weighted mean gap between confidence and accuracy over 10 confidence bins; null without probabilities.</summary>
    public double? ExpectedCalibrationError { get; init; }

    /// <summary>The calibration curve behind <see cref="ExpectedCalibrationError"/>: per non-empty confidence bin, the mean
    /// confidence, the accuracy and the count; empty without probabilities.</summary>
    public IReadOnlyList<CalibrationBin> CalibrationCurve { get; init; } = [];

    /// <summary>Per class and predicted class, how many rows: <c>Confusion[actual * C + predicted]</c> (for intervals).</summary>
    public required long[] Confusion { get; init; }

    /// <summary>Standard deviation of the per-row log loss (for its interval); null without probabilities.</summary>
    public double? LogLossStandardDeviation { get; init; }

    /// <summary>The positive and negative counts behind <see cref="RocAuc"/> (for its interval).</summary>
    public (long Positives, long Negatives) AucCounts { get; init; }

    /// <summary>
    /// Metrics of <paramref name="actual"/> against <paramref name="predicted"/> (class indexes in manifest label order)
    /// and, when given, <paramref name="probabilities"/> (row-major [rows, classes]).
    /// </summary>
    /// <exception cref="ArgumentException">The spans disagree in length, or a class index is outside [0, classes).</exception>
    public static ClassificationMetrics Compute(int classes, ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, ReadOnlySpan<double> probabilities)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        var rows = actual.Length;
        if (predicted.Length != rows || (!probabilities.IsEmpty && probabilities.Length != rows * classes))
        {
            throw new ArgumentException($"{rows} outcomes, {predicted.Length} predictions and {probabilities.Length} probabilities for {classes} classes do not match.");
        }

        var confusion = new long[classes * classes];
        long correct = 0;
        for (var r = 0; r < rows; r++)
        {
            CheckClass(actual[r], classes);
            CheckClass(predicted[r], classes);
            confusion[(actual[r] * classes) + predicted[r]]++;
            correct += actual[r] == predicted[r] ? 1 : 0;
        }

        var metrics = new ClassificationMetrics
        {
            Count = rows,
            Accuracy = rows == 0 ? double.NaN : (double)correct / rows,
            MacroF1 = MacroF1Of(confusion, classes),
            Confusion = confusion,
        };
        if (probabilities.IsEmpty || rows == 0)
        {
            return metrics;
        }

        var (logLoss, logLossDeviation) = LogLossOf(classes, actual, probabilities);
        var (auc, counts) = classes == 2 ? RocAucOf(actual, probabilities) : (null, (0L, 0L));
        return metrics with
        {
            LogLoss = logLoss,
            LogLossStandardDeviation = logLossDeviation,
            RocAuc = auc,
            AucCounts = counts,
            ExpectedCalibrationError = CalibrationErrorOf(classes, actual, predicted, probabilities, out var curve),
            CalibrationCurve = curve,
        };
    }

    /// <summary>Macro F1 of a confusion matrix (also used on resampled matrices for its interval).</summary>
    internal static double MacroF1Of(ReadOnlySpan<long> confusion, int classes)
    {
        var sum = 0.0;
        for (var c = 0; c < classes; c++)
        {
            long truePositives = confusion[(c * classes) + c], actualCount = 0, predictedCount = 0;
            for (var k = 0; k < classes; k++)
            {
                actualCount += confusion[(c * classes) + k];
                predictedCount += confusion[(k * classes) + c];
            }

            var denominator = actualCount + predictedCount; // 2TP + FP + FN
            sum += denominator == 0 ? 0 : 2.0 * truePositives / denominator;
        }

        return sum / classes;
    }

    private static (double Mean, double StandardDeviation) LogLossOf(int classes, ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities)
    {
        // Welford's running mean and variance of the per-row loss (the mean is the log loss).
        double mean = 0, m2 = 0;
        for (var r = 0; r < actual.Length; r++)
        {
            var row = probabilities.Slice(r * classes, classes);
            var total = 0.0;
            foreach (var p in row)
            {
                total += Math.Clamp(p, Epsilon, 1 - Epsilon);
            }

            var loss = -Math.Log(Math.Clamp(row[actual[r]], Epsilon, 1 - Epsilon) / total);
            var delta = loss - mean;
            mean += delta / (r + 1);
            m2 += delta * (loss - mean);
        }

        return (mean, Math.Sqrt(m2 / actual.Length));
    }

    /// <summary>Mann–Whitney U over the second class's probability, tied scores ranked by their average (the trapezoidal
    /// area scikit-learn computes).</summary>
    private static (double? Auc, (long, long) Counts) RocAucOf(ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities)
    {
        var rows = actual.Length;
        var order = new int[rows];
        var scores = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            order[r] = r;
            scores[r] = probabilities[(r * 2) + 1];
        }

        Array.Sort((double[])scores.Clone(), order);
        long positives = 0;
        var positiveRanks = 0.0;
        for (var start = 0; start < rows;)
        {
            var end = start + 1;
            while (end < rows && scores[order[end]] == scores[order[start]])
            {
                end++;
            }

            var averageRank = (start + 1 + end) / 2.0; // ranks start+1 … end
            for (var i = start; i < end; i++)
            {
                if (actual[order[i]] == 1)
                {
                    positives++;
                    positiveRanks += averageRank;
                }
            }

            start = end;
        }

        var negatives = rows - positives;
        if (positives == 0 || negatives == 0)
        {
            return (null, (positives, negatives));
        }

        return ((positiveRanks - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives), (positives, negatives));
    }

    private static double CalibrationErrorOf(int classes, ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, ReadOnlySpan<double> probabilities, out CalibrationBin[] curve)
    {
        Span<double> confidence = stackalloc double[CalibrationBins];
        Span<double> hits = stackalloc double[CalibrationBins];
        Span<long> counts = stackalloc long[CalibrationBins];
        for (var r = 0; r < actual.Length; r++)
        {
            var p = probabilities[(r * classes) + predicted[r]];

            // Bins (0, 0.1], (0.1, 0.2], …, (0.9, 1]; a probability of 0 goes to the first. The tolerance keeps an edge
            // in its own bin: 0.3 * 10 is 3.0000000000000004 in binary floating point.
            var bin = Math.Clamp((int)Math.Ceiling((p * CalibrationBins) - 1e-9) - 1, 0, CalibrationBins - 1);
            confidence[bin] += p;
            hits[bin] += actual[r] == predicted[r] ? 1 : 0;
            counts[bin]++;
        }

        var error = 0.0;
        var bins = new List<CalibrationBin>(CalibrationBins);
        for (var b = 0; b < CalibrationBins; b++)
        {
            if (counts[b] > 0)
            {
                error += Math.Abs((hits[b] / counts[b]) - (confidence[b] / counts[b])) * counts[b] / actual.Length;
                bins.Add(new CalibrationBin(confidence[b] / counts[b], hits[b] / counts[b], counts[b]));
            }
        }

        curve = [.. bins];
        return error;
    }

    private static void CheckClass(int index, int classes)
    {
        if ((uint)index >= (uint)classes)
        {
            throw new ArgumentException($"class index {index} is outside [0, {classes}).");
        }
    }
}

/// <summary>One bin of a calibration curve: the mean confidence of its predictions, how many were right, and how many there were.</summary>
public sealed record CalibrationBin(double Confidence, double Accuracy, long Count);
