namespace Shipyard.Models;

/// <summary>One ONNX graph input and the features packed into it, as <c>model.json</c> <c>onnx.inputs[]</c>.</summary>
public sealed record OnnxInputMapping
{
    /// <summary>The graph input's name.</summary>
    public required string Name { get; init; }

    /// <summary>Element type of the tensor; every listed feature is converted to it.</summary>
    public OnnxElementType ElementType { get; init; } = OnnxElementType.Float;

    /// <summary>Features packed, in this order, into a tensor of shape [N, Features.Count].
    /// When <c>features</c> is omitted in the JSON, every manifest feature in manifest order.</summary>
    public required IReadOnlyList<string> Features { get; init; }
}
