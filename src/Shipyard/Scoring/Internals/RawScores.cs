using Shipyard.Models;

namespace Shipyard.Scoring.Internals;

/// <summary>The mapped outputs of scoring N rows: labels, probabilities [N, C] in label order, or values.</summary>
internal sealed class RawScores
{
    public RawScores(int count, string[]? labels, float[]? probabilities, int classes, double[]? values)
    {
        Count = count;
        Labels = labels;
        Probabilities = probabilities;
        Classes = classes;
        Values = values;
    }

    public int Count { get; }

    /// <summary>The scores written to <paramref name="target"/> for <paramref name="count"/> rows; labels the manifest does not
    /// list keep the model's own text.</summary>
    public static RawScores From(ModelManifest manifest, int count, ScoreTarget target, bool hasProbabilities)
    {
        if (!manifest.IsClassifier)
        {
            return new RawScores(count, null, null, 0, target.Values);
        }

        var labels = new string[count];
        for (var r = 0; r < count; r++)
        {
            var index = target.LabelIndex[r];
            labels[r] = index >= 0 ? manifest.Labels[index] : target.LabelText[r]!;
        }

        return new RawScores(count, labels, hasProbabilities ? target.Probabilities : null, manifest.Labels.Count, null);
    }

    /// <summary>Predicted label per row (classifiers).</summary>
    public string[]? Labels { get; }

    /// <summary>Row-major [Count, Classes] probabilities in manifest label order, when the model has them.</summary>
    public float[]? Probabilities { get; }

    public int Classes { get; }

    /// <summary>Predicted value per row (regressors).</summary>
    public double[]? Values { get; }

    /// <summary>Rows [start, start+count) as their own scores (splitting a micro-batch).</summary>
    public RawScores Slice(int start, int count)
    {
        if (start == 0 && count == Count)
        {
            return this;
        }

        return new RawScores(
            count,
            Labels?.AsSpan(start, count).ToArray(),
            Probabilities?.AsSpan(start * Classes, count * Classes).ToArray(),
            Classes,
            Values?.AsSpan(start, count).ToArray());
    }

    public IReadOnlyList<Prediction> ToPredictions(ModelManifest manifest, IReadOnlyList<string>? ids = null)
    {
        var predictions = new Prediction[Count];
        if (manifest.Task == ModelTask.Regression)
        {
            for (var r = 0; r < Count; r++)
            {
                predictions[r] = new RegressionPrediction(Values![r]) { PredictionId = ids?[r] };
            }

            return predictions;
        }

        var labels = manifest.Labels;
        for (var r = 0; r < Count; r++)
        {
            IReadOnlyDictionary<string, double> probs;
            if (Probabilities is null)
            {
                probs = EmptyProbabilities;
            }
            else
            {
                var d = new Dictionary<string, double>(Classes, StringComparer.Ordinal);
                for (var c = 0; c < Classes; c++)
                {
                    d[labels[c]] = Probabilities[(r * Classes) + c];
                }

                probs = d;
            }

            predictions[r] = new ClassPrediction(Labels![r], probs) { PredictionId = ids?[r] };
        }

        return predictions;
    }

    private static readonly IReadOnlyDictionary<string, double> EmptyProbabilities = new Dictionary<string, double>();
}
