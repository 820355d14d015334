using System.Text;
using Shipyard.Protobuf;
using Shipyard.Scoring.Internals;

namespace Shipyard.Models.Internals;

/// <summary>
/// scikit-learn classifiers exported with ZipMap turn their [N, C] probability tensor into one map per row. Reading those
/// maps costs a native value per row and key (most of a cheap model's scoring time), and the numbers are the tensor's.
/// <see cref="Expose"/> finds the ZipMap node that produces the manifest's probabilities output and returns the model
/// with that node's input tensor added as a graph output, so Shipyard can request the tensor instead of the maps: the
/// same values, column by column in ZipMap's class order.
/// </summary>
/// <remarks>
/// The output is added by appending a second <c>ModelProto.graph</c> (field 7) holding only <c>GraphProto.output</c>
/// (field 12): protobuf parsers merge repeated occurrences of an embedded message, concatenating its repeated fields
/// (https://protobuf.dev/programming-guides/encoding/#last-one-wins), so the original bytes stay untouched. Field
/// numbers: NodeProto.input 1, output 2, op_type 4, attribute 5; AttributeProto.name 1, ints 8, strings 9;
/// ValueInfoProto.name 1, type 2; TypeProto.tensor_type 1; TypeProto.Tensor.elem_type 1 (FLOAT = 1), shape 2.
/// </remarks>
internal static class OnnxZipMap
{
    /// <summary>
    /// The model with the tensor feeding the ZipMap that writes <paramref name="probabilitiesOutput"/> exposed as an output,
    /// or null when no ZipMap writes it, or its class labels do not map one to one onto <paramref name="manifest"/>'s labels.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a well-formed protobuf message.</exception>
    public static ExposedProbabilities? Expose(byte[] model, string probabilitiesOutput, ModelManifest manifest)
    {
        ZipMapNode? zipMap = null;
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        ProtoWireReader.ForEachLengthDelimited(model, (field, graph) =>
        {
            if (field != 7)
            {
                return;
            }

            ProtoWireReader.ForEachLengthDelimited(graph, (graphField, body) =>
            {
                if (graphField == 1 && ReadZipMap(body) is { } node && node.Output == probabilitiesOutput)
                {
                    zipMap = node;
                }
                else if (graphField == 12)
                {
                    ProtoWireReader.ForEachLengthDelimited(body, (f, name) => { if (f == 1) { outputs.Add(Encoding.UTF8.GetString(name)); } });
                }
            });
        });

        var labels = manifest.Labels;
        if (zipMap is null || ColumnClasses(zipMap, ManifestPlan.For(manifest).LabelIndex, labels.Count) is not { } columns)
        {
            return null;
        }

        var exposed = outputs.Contains(zipMap.Input) ? model : Append(model, zipMap.Input, labels.Count);
        return new ExposedProbabilities(exposed, zipMap.Input, columns);
    }

    /// <summary>Per tensor column, the manifest label index of its class; null unless every label has exactly one column.</summary>
    private static int[]? ColumnClasses(ZipMapNode node, IReadOnlyDictionary<string, int> labelIndex, int classes)
    {
        var columns = node.Int64Labels is { Count: > 0 } ids
            ? ids.Select(id => id >= 0 && id < classes ? (int)id : -1).ToArray()
            : node.StringLabels.Select(label => labelIndex.GetValueOrDefault(label, -1)).ToArray();
        return columns.Length == classes && columns.Order().SequenceEqual(Enumerable.Range(0, classes)) ? columns : null;
    }

    private static ZipMapNode? ReadZipMap(ReadOnlySpan<byte> node)
    {
        string? op = null, input = null, output = null;
        var ints = new List<long>();
        var strings = new List<string>();
        var reader = new ProtoWireReader(node);
        while (reader.Next(out var field, out var wire))
        {
            if (wire != ProtoWireReader.LengthDelimited)
            {
                reader.Skip(wire);
                continue;
            }

            var body = reader.ReadBytes();
            switch (field)
            {
                case 1: input ??= Encoding.UTF8.GetString(body); break;
                case 2: output ??= Encoding.UTF8.GetString(body); break;
                case 4: op = Encoding.UTF8.GetString(body); break;
                case 5: ReadClassLabels(body, ints, strings); break;
            }
        }

        return op == "ZipMap" && input is not null && output is not null ? new ZipMapNode(input, output, ints, strings) : null;
    }

    private static void ReadClassLabels(ReadOnlySpan<byte> attribute, List<long> ints, List<string> strings)
    {
        var name = "";
        var values = new List<long>();
        var texts = new List<string>();
        var reader = new ProtoWireReader(attribute);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == ProtoWireReader.LengthDelimited)
            {
                name = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == 8 && wire == ProtoWireReader.Varint)
            {
                values.Add((long)reader.ReadVarint());
            }
            else if (field == 8 && wire == ProtoWireReader.LengthDelimited)
            {
                var packed = new ProtoWireReader(reader.ReadBytes());
                while (packed.HasMore)
                {
                    values.Add((long)packed.ReadVarint());
                }
            }
            else if (field == 9 && wire == ProtoWireReader.LengthDelimited)
            {
                texts.Add(Encoding.UTF8.GetString(reader.ReadBytes()));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (name == "classlabels_int64s")
        {
            ints.AddRange(values);
        }
        else if (name == "classlabels_strings")
        {
            strings.AddRange(texts);
        }
    }

    /// <summary>Appends <c>graph { output { name: tensor, type { tensor_type { elem_type: FLOAT, shape: [N, classes] } } } }</c>
    /// to the model (TensorShapeProto: Tensor.shape 2, dim 1, dim_value 1, dim_param 2).</summary>
    private static byte[] Append(byte[] model, string tensor, int classes)
    {
        var rows = Message(1, Message(2, "N"u8.ToArray()));
        var shape = Message(2, Concat(rows, Message(1, Varint(1, (ulong)classes))));
        var tensorType = Concat([0x08, 0x01], shape);             // TypeProto.Tensor { elem_type = 1 (FLOAT), shape }
        var type = Message(1, tensorType);                       // TypeProto { tensor_type }
        var valueInfo = Concat(Message(1, Encoding.UTF8.GetBytes(tensor)), Message(2, type));
        var graph = Message(7, Message(12, valueInfo));          // ModelProto.graph { output }
        return Concat(model, graph);
    }

    // A length-delimited field holding body.
    private static byte[] Message(int field, byte[] body)
    {
        var bytes = new byte[ProtoWireWriter.FieldSize(field, body.Length)];
        var writer = new ProtoWireWriter(bytes);
        writer.LengthDelimited(field, body.Length);
        body.CopyTo(bytes.AsSpan(writer.Position));
        return bytes;
    }

    // A varint field holding value.
    private static byte[] Varint(int field, ulong value)
    {
        var bytes = new byte[ProtoWireWriter.VarintSize(((ulong)field << 3) | ProtoWireReader.Varint) + ProtoWireWriter.VarintSize(value)];
        var writer = new ProtoWireWriter(bytes);
        writer.Tag(field, ProtoWireReader.Varint);
        writer.Varint(value);
        return bytes;
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }

    private sealed record ZipMapNode(string Input, string Output, List<long> Int64Labels, List<string> StringLabels);
}

/// <summary>A model whose ZipMap input is a graph output: request <c>Tensor</c>; its column j holds the probability of
/// manifest label <c>ColumnClasses[j]</c>.</summary>
internal sealed record ExposedProbabilities(byte[] Model, string Tensor, int[] ColumnClasses);
