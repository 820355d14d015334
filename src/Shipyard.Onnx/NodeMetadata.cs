namespace Shipyard.Onnx;

/// <summary>A graph input or output as ORT sees it: name, kind, element type and shape.</summary>
public sealed class NodeMetadata
{
    internal NodeMetadata(string name, OrtValueType valueType, TensorElementType elementType, long[] dimensions, string[] symbolicDimensions, string typeName)
    {
        Name = name;
        ValueType = valueType;
        ElementType = elementType;
        Dimensions = dimensions;
        SymbolicDimensions = symbolicDimensions;
        TypeName = typeName;
    }

    /// <summary>The name used in <see cref="NamedOrtValue.Name"/> and in requested output names.</summary>
    public string Name { get; }

    /// <summary>Tensor, sequence, map, ...</summary>
    public OrtValueType ValueType { get; }

    /// <summary>Element type of a tensor; <see cref="TensorElementType.Undefined"/> for non-tensors.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>Tensor dimensions; -1 where the dimension is symbolic or unknown (for example the batch dimension). Empty for scalars and non-tensors.</summary>
    public IReadOnlyList<long> Dimensions { get; }

    /// <summary>For each dimension, its symbolic name (for example <c>"N"</c>), or an empty string when it is fixed or unnamed.</summary>
    public IReadOnlyList<string> SymbolicDimensions { get; }

    /// <summary>ONNX type in text form, for example <c>tensor(float)</c> or <c>seq(map(int64,tensor(float)))</c>.</summary>
    public string TypeName { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {TypeName} [{string.Join(",", Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "?"))}]";
}
