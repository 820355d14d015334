namespace Shipyard.Models;

/// <summary>How features map to ONNX inputs and outputs to predictions, as <c>model.json</c> <c>onnx</c>.</summary>
public sealed record OnnxMapping
{
    /// <summary>Graph inputs, each fed with the listed features.</summary>
    public required IReadOnlyList<OnnxInputMapping> Inputs { get; init; }

    /// <summary>Graph outputs that carry label / probabilities / value.</summary>
    public required OnnxOutputMapping Outputs { get; init; }
}
