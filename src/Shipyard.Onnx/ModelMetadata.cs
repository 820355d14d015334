namespace Shipyard.Onnx;

/// <summary>The model-level metadata of an ONNX model (ModelProto fields and <c>metadata_props</c>).</summary>
public sealed class ModelMetadata
{
    internal ModelMetadata(string producerName, string graphName, string graphDescription, string domain, string description, long version, IReadOnlyDictionary<string, string> customMetadata)
    {
        ProducerName = producerName;
        GraphName = graphName;
        GraphDescription = graphDescription;
        Domain = domain;
        Description = description;
        Version = version;
        CustomMetadata = customMetadata;
    }

    /// <summary>The tool that wrote the model (<c>producer_name</c>, e.g. <c>skl2onnx</c>); empty when unset.</summary>
    public string ProducerName { get; }

    /// <summary>The main graph's name.</summary>
    public string GraphName { get; }

    /// <summary>The main graph's doc string.</summary>
    public string GraphDescription { get; }

    /// <summary>The model's domain.</summary>
    public string Domain { get; }

    /// <summary>The model's doc string.</summary>
    public string Description { get; }

    /// <summary>The model's version (<c>model_version</c>).</summary>
    public long Version { get; }

    /// <summary>The custom key/value pairs (<c>metadata_props</c>), ordinal keys.</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; }
}
