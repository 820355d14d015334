using System.Text;
using Shipyard.Protobuf;

namespace Shipyard.Models.Internals;

/// <summary>
/// Finds the tensors of a serialized ONNX <c>ModelProto</c> whose data is stored outside the model file
/// (<c>TensorProto.data_location = EXTERNAL</c> or an <c>external_data</c> entry). ONNX Runtime resolves such a
/// tensor's <c>location</c> against the model's folder — or, for a model loaded from memory, against the process's
/// working directory — and reads that file into the initializer, so an uploaded model could make predictions out of any
/// file the server can read. The registry refuses external data in uploaded packages and allows it in bundled packages
/// only inside their own folder (<see cref="ExternalDataReference"/>).
/// </summary>
/// <remarks>
/// A hand-written walk of the protobuf wire format over exactly the messages that can hold a tensor, with field numbers
/// from onnx/onnx.proto (IR version 10): ModelProto.graph (7) and .functions (25); FunctionProto.node (7) and
/// .attribute_proto (11);
/// GraphProto.node (1), .initializer (5), .sparse_initializer (15); NodeProto.attribute (5); AttributeProto.t (5),
/// .g (6), .tensors (10), .graphs (11), .sparse_tensor (22), .sparse_tensors (23); SparseTensorProto.values (1),
/// .indices (2); TensorProto.name (8), .external_data (13), .data_location (14); StringStringEntryProto.key (1),
/// .value (2). Bytes that are not valid protobuf make <see cref="Find"/> throw, so nothing unparsed is let through.
/// </remarks>
internal static class OnnxExternalData
{
    /// <summary>Deepest nesting of subgraphs walked (If/Loop bodies); deeper models are refused as malformed.</summary>
    private const int MaxDepth = 64;

    /// <summary>
    /// Why <paramref name="model"/> may not be loaded, or null when it may: a model from the store (no
    /// <paramref name="folder"/>) must embed every tensor; a bundled model may keep tensors in files of its own folder.
    /// <paramref name="external"/> tells whether it does (then ONNX Runtime must load it from its file, not from memory).
    /// </summary>
    public static string? Check(byte[] model, string? folder, out bool external)
    {
        external = false;
        IReadOnlyList<ExternalDataReference> references;
        try
        {
            references = Find(model);
        }
        catch (FormatException e)
        {
            return "model.onnx is not a valid ONNX model (protobuf): " + e.Message;
        }

        if (references.Count == 0)
        {
            return null;
        }

        external = true;
        var first = references[0];
        if (folder is null)
        {
            return $"model.onnx keeps tensor '{first.Tensor}' in an external file ('{first.Location}'), which uploaded packages may not do " +
                   "(it would be read from the server's disk); embed every tensor in model.onnx (onnx.save_model(model, path, save_as_external_data=False)).";
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        foreach (var reference in references)
        {
            var location = reference.Location;
            var full = location.Length == 0 || location.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(location) ? null : Path.GetFullPath(Path.Combine(root, location));

            // A link inside the folder must not lead out of it either.
            if (full is not null && File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                full = target.FullName;
            }

            if (full is null || !full.StartsWith(root, StringComparison.Ordinal))
            {
                return $"model.onnx keeps tensor '{reference.Tensor}' in '{location}', outside the package folder; external data must be a file inside {root}.";
            }

            if (!File.Exists(full))
            {
                return $"model.onnx keeps tensor '{reference.Tensor}' in '{location}', which does not exist in {root}.";
            }
        }

        return null;
    }

    /// <summary>Every tensor in <paramref name="model"/> whose data lives in another file.</summary>
    /// <exception cref="FormatException">The bytes are not a well-formed protobuf message.</exception>
    public static IReadOnlyList<ExternalDataReference> Find(ReadOnlySpan<byte> model)
    {
        var found = new List<ExternalDataReference>();
        ProtoWireReader.ForEachLengthDelimited(model, (field, body) =>
        {
            switch (field)
            {
                case 7: Graph(body, found, 0); break;
                case 25: Function(body, found); break;
            }
        });
        return found;
    }

    /// <summary>FunctionProto: its nodes (7) and its attributes' defaults (attribute_proto, 11), which ORT inlines.</summary>
    private static void Function(ReadOnlySpan<byte> function, List<ExternalDataReference> found) =>
        ProtoWireReader.ForEachLengthDelimited(function, (field, body) =>
        {
            switch (field)
            {
                case 7: Node(body, found, 0); break;
                case 11: Attribute(body, found, 0); break;
            }
        });

    private static void Graph(ReadOnlySpan<byte> graph, List<ExternalDataReference> found, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"subgraphs are nested more than {MaxDepth} deep.");
        }

        ProtoWireReader.ForEachLengthDelimited(graph, (field, body) =>
        {
            switch (field)
            {
                case 1: Node(body, found, depth); break;
                case 5: Tensor(body, found); break;
                case 15: Sparse(body, found); break;
            }
        });
    }

    private static void Node(ReadOnlySpan<byte> node, List<ExternalDataReference> found, int depth) =>
        ProtoWireReader.ForEachLengthDelimited(node, (field, attribute) =>
        {
            if (field == 5)
            {
                Attribute(attribute, found, depth);
            }
        });

    private static void Attribute(ReadOnlySpan<byte> attribute, List<ExternalDataReference> found, int depth) =>
        ProtoWireReader.ForEachLengthDelimited(attribute, (field, body) =>
        {
            switch (field)
            {
                case 5 or 10: Tensor(body, found); break;
                case 6 or 11: Graph(body, found, depth + 1); break;
                case 22 or 23: Sparse(body, found); break;
            }
        });

    private static void Sparse(ReadOnlySpan<byte> sparse, List<ExternalDataReference> found) =>
        ProtoWireReader.ForEachLengthDelimited(sparse, (field, tensor) =>
        {
            if (field is 1 or 2)
            {
                Tensor(tensor, found);
            }
        });

    private static void Tensor(ReadOnlySpan<byte> tensor, List<ExternalDataReference> found)
    {
        var name = "";
        string? location = null;
        var external = false;
        var reader = new ProtoWireReader(tensor);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 8 && wire == ProtoWireReader.LengthDelimited)
            {
                name = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == 13 && wire == ProtoWireReader.LengthDelimited)
            {
                external = true;
                if (Entry(reader.ReadBytes()) is ("location", var value))
                {
                    location = value;
                }
            }
            else if (field == 14 && wire == ProtoWireReader.Varint)
            {
                external |= reader.ReadVarint() == 1;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (external)
        {
            found.Add(new ExternalDataReference(name, location ?? ""));
        }
    }

    private static (string Key, string Value) Entry(ReadOnlySpan<byte> entry)
    {
        string key = "", value = "";
        ProtoWireReader.ForEachLengthDelimited(entry, (field, text) =>
        {
            switch (field)
            {
                case 1: key = Encoding.UTF8.GetString(text); break;
                case 2: value = Encoding.UTF8.GetString(text); break;
            }
        });
        return (key, value);
    }
}

/// <summary>A tensor whose data is in another file: its name and the file it names (<c>location</c>, may be empty).</summary>
internal sealed record ExternalDataReference(string Tensor, string Location);
