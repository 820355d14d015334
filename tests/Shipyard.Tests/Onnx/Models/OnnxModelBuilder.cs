using Microsoft.ML.OnnxRuntime.Tensors;
using Shipyard.Tests.Onnx.Protobuf;

namespace Shipyard.Tests.Onnx.Models;

/// <summary>
/// Writes small but real ONNX models (a serialized ModelProto) for tests and benchmarks, with field numbers from
/// onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto, TensorProto).
/// </summary>
internal sealed class OnnxModelBuilder
{
    private readonly List<Action<ProtoWriter>> _nodes = [];
    private readonly List<Action<ProtoWriter>> _inputs = [];
    private readonly List<Action<ProtoWriter>> _outputs = [];
    private readonly List<Action<ProtoWriter>> _initializers = [];
    private readonly Dictionary<string, long> _opsets = new() { [""] = 17 };
    private readonly Dictionary<string, string> _metadata = [];

    public string ProducerName { get; init; } = "shipyard-tests";

    public string GraphName { get; init; } = "graph";

    public string Description { get; init; } = "";

    public long ModelVersion { get; init; } = 1;

    public OnnxModelBuilder Opset(string domain, long version)
    {
        _opsets[domain] = version;
        return this;
    }

    public OnnxModelBuilder Metadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    /// <summary>Adds a tensor input; each dim is a <see cref="long"/> (fixed) or a <see cref="string"/> (symbolic).</summary>
    public OnnxModelBuilder Input(string name, TensorElementType type, params object[] dims)
    {
        _inputs.Add(w => WriteValueInfo(w, name, t => WriteTensorType(t, type, dims)));
        return this;
    }

    public OnnxModelBuilder Output(string name, TensorElementType type, params object[] dims)
    {
        _outputs.Add(w => WriteValueInfo(w, name, t => WriteTensorType(t, type, dims)));
        return this;
    }

    /// <summary>Adds an output of type seq(map(key, tensor(value))) — what sklearn's ZipMap produces.</summary>
    public OnnxModelBuilder SequenceOfMapsOutput(string name, TensorElementType keyType, TensorElementType valueType)
    {
        _outputs.Add(w => WriteValueInfo(w, name, t => t.Message(4, seq => seq.Message(1, elem => elem.Message(5, map =>
        {
            map.Int64(1, (long)keyType);
            map.Message(2, value => value.Message(1, tensor => tensor.Int64(1, (long)valueType)));
        })))));
        return this;
    }

    public OnnxModelBuilder FloatInitializer(string name, float[] values, params long[] dims) =>
        Initializer(name, TensorElementType.Float, dims, t => t.PackedFloat(4, values));

    /// <summary>A float initializer whose data ONNX Runtime reads from the file <paramref name="location"/> (TensorProto
    /// external_data = 13 with key "location", data_location = 14 EXTERNAL), as onnx.save(..., save_as_external_data=True) writes it.</summary>
    public OnnxModelBuilder ExternalFloatInitializer(string name, string location, params long[] dims) =>
        Initializer(name, TensorElementType.Float, dims, t => t.Message(13, e => e.String(1, "location").String(2, location)).Int64(14, 1));

    public OnnxModelBuilder Int64Initializer(string name, long[] values, params long[] dims) =>
        Initializer(name, TensorElementType.Int64, dims, t => t.PackedInt64(7, values));

    /// <summary>GraphProto.initializer (5): a TensorProto with dims (1), data_type (2), name (8) and its data.</summary>
    private OnnxModelBuilder Initializer(string name, TensorElementType type, long[] dims, Action<ProtoWriter> data)
    {
        _initializers.Add(w => w.Message(5, t =>
        {
            t.PackedInt64(1, dims);
            t.Int64(2, (long)type);
            t.String(8, name);
            data(t);
        }));
        return this;
    }

    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, string domain = "", params Attribute[] attributes)
    {
        var index = _nodes.Count;
        _nodes.Add(w =>
        {
            foreach (var input in inputs)
            {
                w.String(1, input);
            }

            foreach (var output in outputs)
            {
                w.String(2, output);
            }

            w.String(3, $"{opType}_{index}");
            w.String(4, opType);
            foreach (var attribute in attributes)
            {
                w.Message(5, attribute.Write);
            }

            if (domain.Length > 0)
            {
                w.String(7, domain);
            }
        });
        return this;
    }

    public byte[] Build()
    {
        var model = new ProtoWriter();
        model.Int64(1, 8); // ir_version 8 (ONNX 1.10+), accepted by ORT 1.30
        model.String(2, ProducerName);
        model.String(3, "1.0");
        model.Int64(5, ModelVersion);
        if (Description.Length > 0)
        {
            model.String(6, Description);
        }

        model.Message(7, graph =>
        {
            foreach (var node in _nodes)
            {
                graph.Message(1, node);
            }

            graph.String(2, GraphName);
            foreach (var initializer in _initializers)
            {
                initializer(graph);
            }

            foreach (var input in _inputs)
            {
                graph.Message(11, input);
            }

            foreach (var output in _outputs)
            {
                graph.Message(12, output);
            }
        });
        foreach (var (domain, version) in _opsets)
        {
            model.Message(8, o =>
            {
                o.String(1, domain);
                o.Int64(2, version);
            });
        }

        foreach (var (key, value) in _metadata)
        {
            model.Message(14, e =>
            {
                e.String(1, key);
                e.String(2, value);
            });
        }

        return model.ToArray();
    }

    private static void WriteValueInfo(ProtoWriter w, string name, Action<ProtoWriter> type)
    {
        w.String(1, name);
        w.Message(2, type);
    }

    private static void WriteTensorType(ProtoWriter type, TensorElementType elementType, object[] dims) =>
        type.Message(1, tensor =>
        {
            tensor.Int64(1, (long)elementType);
            tensor.Message(2, shape =>
            {
                foreach (var dim in dims)
                {
                    shape.Message(1, d =>
                    {
                        if (dim is string symbol)
                        {
                            d.String(2, symbol);
                        }
                        else
                        {
                            d.Int64(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
                        }
                    });
                }
            });
        });

    /// <summary>A node attribute (AttributeProto) of one of the simple kinds.</summary>
    internal sealed class Attribute
    {
        private readonly Action<ProtoWriter> _write;

        private Attribute(Action<ProtoWriter> write) => _write = write;

        public static Attribute Int(string name, long value) => new(w => w.String(1, name).Int64(20, 2).Int64(3, value));

        public static Attribute Float(string name, float value) => new(w => w.String(1, name).Int64(20, 1).Float(2, value));

        public static Attribute Ints(string name, params long[] values) => new(w => w.String(1, name).Int64(20, 7).PackedInt64(8, values));

        public static Attribute Strings(string name, params string[] values) => new(w =>
        {
            w.String(1, name).Int64(20, 8);
            foreach (var value in values)
            {
                w.String(9, value);
            }
        });

        public void Write(ProtoWriter writer) => _write(writer);
    }
}
