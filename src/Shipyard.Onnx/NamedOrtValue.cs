namespace Shipyard.Onnx;

/// <summary>An input for <see cref="InferenceSession.Run(ReadOnlySpan{NamedOrtValue}, ReadOnlySpan{string}, CancellationToken)"/>: the graph input's name and its value.</summary>
/// <param name="Name">The graph input name, as listed in <see cref="InferenceSession.Inputs"/>.</param>
/// <param name="Value">The value; still owned by the caller, who disposes it after the run.</param>
public readonly record struct NamedOrtValue(string Name, OrtValue Value);
