namespace Shipyard.Scoring.Internals;

/// <summary>
/// Where <see cref="OnnxScorer"/> writes the predictions of one run, row by row: a classifier's label (an index into the
/// manifest's labels, or -1 with the model's own text when the model returned a label the manifest does not list) and its
/// probabilities in manifest label order; a regressor's value. HTTP allocates one per request, batch reuses its chunk's
/// arrays, so both read outputs through the same code.
/// </summary>
internal sealed class ScoreTarget
{
    public ScoreTarget(int[] labelIndex, string?[] labelText, float[] probabilities, double[] values)
    {
        LabelIndex = labelIndex;
        LabelText = labelText;
        Probabilities = probabilities;
        Values = values;
    }

    /// <summary>Predicted class index per row; -1 when the label is in <see cref="LabelText"/>.</summary>
    public int[] LabelIndex { get; }

    /// <summary>The model's own label text for rows whose label the manifest does not list (else null).</summary>
    public string?[] LabelText { get; }

    /// <summary>Row-major [row, class] probabilities, classes in manifest label order (NaN when the model has none).</summary>
    public float[] Probabilities { get; }

    /// <summary>A regressor's value per row.</summary>
    public double[] Values { get; }

    /// <summary>A target for <paramref name="rows"/> rows of a model with <paramref name="classes"/> classes (0 for regressors).</summary>
    public static ScoreTarget ForRows(int rows, int classes, bool classifier) => classifier
        ? new ScoreTarget(new int[rows], new string?[rows], new float[rows * classes], [])
        : new ScoreTarget([], [], [], new double[rows]);
}
