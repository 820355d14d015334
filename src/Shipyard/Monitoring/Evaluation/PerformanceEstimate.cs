namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// A classifier's accuracy and ROC AUC estimated from its own probabilities, before any outcome arrives (confidence-based
/// performance estimation, as NannyML's CBPE): if the probabilities are calibrated, a row is right with the probability
/// of its predicted class, so the expected accuracy is their mean; the expected ROC curve counts each row as p positive
/// and 1 − p negative at every threshold (the rows sorted by score), and its area is the expected AUC. Shown next to the
/// realised values, a drop shows before the labels come; it is only as good as the model's calibration.
/// </summary>
public static class PerformanceEstimate
{
    /// <summary>Expected accuracy and (binary models) ROC AUC of rows with <paramref name="predicted"/> classes and
    /// row-major <paramref name="probabilities"/>; NaN / null when there are no rows.</summary>
    public static (double Accuracy, double? RocAuc) Of(int classes, ReadOnlySpan<int> predicted, ReadOnlySpan<double> probabilities)
    {
        var rows = predicted.Length;
        if (rows == 0)
        {
            return (double.NaN, null);
        }

        var confidence = 0.0;
        for (var r = 0; r < rows; r++)
        {
            confidence += probabilities[(r * classes) + predicted[r]];
        }

        return (confidence / rows, classes == 2 ? ExpectedAuc(probabilities, rows) : null);
    }

    private static double? ExpectedAuc(ReadOnlySpan<double> probabilities, int rows)
    {
        var scores = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            scores[r] = probabilities[(r * 2) + 1];
        }

        Array.Sort(scores);
        double positives = 0, negatives = 0;
        foreach (var p in scores)
        {
            positives += p;
            negatives += 1 - p;
        }

        if (positives <= 0 || negatives <= 0)
        {
            return null;
        }

        // Walk thresholds from the highest score down; ties move together (one step of the curve).
        double tp = 0, fp = 0, area = 0;
        for (var end = rows; end > 0;)
        {
            var start = end - 1;
            while (start > 0 && scores[start - 1] == scores[end - 1])
            {
                start--;
            }

            double stepTp = 0, stepFp = 0;
            for (var i = start; i < end; i++)
            {
                stepTp += scores[i];
                stepFp += 1 - scores[i];
            }

            area += (stepFp / negatives) * ((tp + (stepTp / 2)) / positives); // trapezoid
            tp += stepTp;
            fp += stepFp;
            end = start;
        }

        return area;
    }
}
