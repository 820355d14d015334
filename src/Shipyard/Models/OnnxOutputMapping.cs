namespace Shipyard.Models;

/// <summary>Which graph outputs carry the prediction, as <c>model.json</c> <c>onnx.outputs</c>. Names are the graph's output names.</summary>
public sealed record OnnxOutputMapping
{
    /// <summary>Output with the predicted class: int64 class ids (index into <see cref="ModelManifest.Labels"/>) or strings.</summary>
    public string? Label { get; init; }

    /// <summary>Output with class probabilities: float [N, C] or ZipMap seq(map(int64|string, float)).</summary>
    public string? Probabilities { get; init; }

    /// <summary>Output with a regressor's value: float/double [N, 1] or [N].</summary>
    public string? Value { get; init; }
}
