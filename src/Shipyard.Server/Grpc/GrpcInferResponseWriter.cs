using System.Text;
using Grpc.Core;
using Shipyard.Protobuf;
using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>
/// Writes the domain's <see cref="InferResponse"/> (the answer REST serializes as JSON) as a gRPC <c>ModelInferResponse</c>
/// straight onto the wire (grpc_predict_v2.proto's field numbers; no generated message objects built per call): the same
/// model, version, id, parameters (string parameters: <c>predictionIds</c>) and output tensors. Elements go in the contents
/// field of their datatype (BYTES: <c>bytes_contents</c> as UTF-8, FP32: <c>fp32_contents</c>, …, packed as proto3 packs
/// them) or, when the caller asked (<see cref="GrpcInferRequestReader"/>), in <c>raw_output_contents</c>: one entry per
/// output, little-endian, BYTES elements each a 4-byte little-endian length and the UTF-8 text (the protocol's raw layout).
/// </summary>
internal static class GrpcInferResponseWriter
{
    // ModelInferResponse fields.
    private const int ModelNameField = 1;
    private const int ModelVersionField = 2;
    private const int IdField = 3;
    private const int ParametersField = 4;
    private const int OutputsField = 5;
    private const int RawOutputContentsField = 6;

    // InferOutputTensor fields.
    private const int TensorNameField = 1;
    private const int TensorDatatypeField = 2;
    private const int TensorShapeField = 3;
    private const int TensorContentsField = 5;

    // InferTensorContents fields.
    private const int Fp32Contents = 6;
    private const int BytesContents = 8;

    // Map entries (key 1, value 2) and InferParameter's string_param (3).
    private const int EntryKeyField = 1;
    private const int EntryValueField = 2;
    private const int StringParamField = 3;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>Serializes <paramref name="output"/> as the call's response message.</summary>
    public static void Write(GrpcInferOutput output, SerializationContext context)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        var response = output.Response;
        var outputs = response.Outputs;

        // Each output's tensor size and its contents' (typed) or raw entry's size, computed once: they prefix what they size.
        Span<int> sizes = outputs.Count <= 16 ? stackalloc int[outputs.Count * 2] : new int[outputs.Count * 2];
        var size = ProtoWireWriter.StringFieldSize(ModelNameField, response.ModelName)
            + ProtoWireWriter.StringFieldSize(ModelVersionField, response.ModelVersion)
            + ProtoWireWriter.StringFieldSize(IdField, response.Id ?? "");
        foreach (var (name, value) in response.Parameters ?? Empty)
        {
            size = checked(size + ProtoWireWriter.FieldSize(ParametersField, ParameterEntrySize(name, value)));
        }

        for (var i = 0; i < outputs.Count; i++)
        {
            var tensor = outputs[i];
            var data = output.Raw ? RawSize(tensor.Data) : ContentsSize(tensor.Data);
            var tensorSize = checked(ProtoWireWriter.StringFieldSize(TensorNameField, tensor.Name)
                + ProtoWireWriter.StringFieldSize(TensorDatatypeField, tensor.Datatype)
                + (tensor.Shape.Count > 0 ? ProtoWireWriter.FieldSize(TensorShapeField, ShapeSize(tensor.Shape)) : 0)
                + (output.Raw ? 0 : ProtoWireWriter.FieldSize(TensorContentsField, data)));
            sizes[2 * i] = tensorSize;
            sizes[(2 * i) + 1] = data;
            // Checked: an answer past 2 GiB (only with limits raised far beyond their defaults) fails cleanly, not with a wrapped size.
            size = checked(size + ProtoWireWriter.FieldSize(OutputsField, tensorSize) + (output.Raw ? ProtoWireWriter.FieldSize(RawOutputContentsField, data) : 0));
        }

        context.SetPayloadLength(size);
        var buffer = context.GetBufferWriter();
        var writer = new ProtoWireWriter(buffer.GetSpan(size)[..size]);
        writer.StringField(ModelNameField, response.ModelName);
        writer.StringField(ModelVersionField, response.ModelVersion);
        writer.StringField(IdField, response.Id ?? "");
        foreach (var (name, value) in response.Parameters ?? Empty)
        {
            // The REST answer's parameters (predictionIds), as the protocol's string parameters.
            writer.LengthDelimited(ParametersField, ParameterEntrySize(name, value));
            writer.StringAlways(EntryKeyField, name);
            writer.LengthDelimited(EntryValueField, ProtoWireWriter.FieldSize(StringParamField, Encoding.UTF8.GetByteCount(value)));
            writer.StringAlways(StringParamField, value);
        }

        for (var i = 0; i < outputs.Count; i++)
        {
            var tensor = outputs[i];
            writer.LengthDelimited(OutputsField, sizes[2 * i]);
            writer.StringField(TensorNameField, tensor.Name);
            writer.StringField(TensorDatatypeField, tensor.Datatype);
            if (tensor.Shape.Count > 0)
            {
                writer.LengthDelimited(TensorShapeField, ShapeSize(tensor.Shape));
                foreach (var dim in tensor.Shape)
                {
                    writer.Varint((ulong)dim);
                }
            }

            if (!output.Raw)
            {
                writer.LengthDelimited(TensorContentsField, sizes[(2 * i) + 1]);
                WriteContents(ref writer, tensor.Data);
            }
        }

        if (output.Raw)
        {
            for (var i = 0; i < outputs.Count; i++)
            {
                writer.LengthDelimited(RawOutputContentsField, sizes[(2 * i) + 1]);
                WriteRaw(ref writer, outputs[i].Data);
            }
        }

        if (writer.Position != size)
        {
            throw new InvalidOperationException($"The ModelInferResponse writer wrote {writer.Position} bytes of the {size} it sized.");
        }

        buffer.Advance(size);
        context.Complete();
    }

    private static int ParameterEntrySize(string name, string value) =>
        ProtoWireWriter.FieldSize(EntryKeyField, Encoding.UTF8.GetByteCount(name))
        + ProtoWireWriter.FieldSize(EntryValueField, ProtoWireWriter.FieldSize(StringParamField, Encoding.UTF8.GetByteCount(value)));

    private static int ShapeSize(IReadOnlyList<long> shape)
    {
        var size = 0;
        foreach (var dim in shape)
        {
            size += ProtoWireWriter.VarintSize((ulong)dim);
        }

        return size;
    }

    /// <summary>The bytes of the <c>InferTensorContents</c> holding <paramref name="data"/> (one packed or repeated field).</summary>
    private static int ContentsSize(object data)
    {
        switch (data)
        {
            case float[] floats:
                return floats.Length == 0 ? 0 : ProtoWireWriter.FieldSize(Fp32Contents, checked(floats.Length * sizeof(float)));
            case string[] texts:
                var size = 0;
                foreach (var text in texts)
                {
                    size += ProtoWireWriter.FieldSize(BytesContents, Encoding.UTF8.GetByteCount(text));
                }

                return size;
            default:
                throw Unknown(data);
        }
    }

    private static void WriteContents(ref ProtoWireWriter writer, object data)
    {
        switch (data)
        {
            case float[] floats when floats.Length > 0:
                writer.LengthDelimited(Fp32Contents, floats.Length * sizeof(float));
                foreach (var value in floats)
                {
                    writer.Fixed32(BitConverter.SingleToUInt32Bits(value));
                }

                break;
            case string[] texts:
                foreach (var text in texts)
                {
                    writer.StringAlways(BytesContents, text);
                }

                break;
        }
    }

    /// <summary>The bytes of <paramref name="data"/> in the raw layout: little-endian elements, BYTES each a 4-byte length and the UTF-8 text.</summary>
    private static int RawSize(object data) => data switch
    {
        float[] floats => floats.Length * sizeof(float),
        string[] texts => texts.Sum(t => 4 + Encoding.UTF8.GetByteCount(t)),
        _ => throw Unknown(data),
    };

    private static void WriteRaw(ref ProtoWireWriter writer, object data)
    {
        switch (data)
        {
            case float[] floats:
                foreach (var value in floats)
                {
                    writer.Fixed32(BitConverter.SingleToUInt32Bits(value));
                }

                break;
            case string[] texts:
                foreach (var text in texts)
                {
                    writer.Fixed32((uint)Encoding.UTF8.GetByteCount(text));
                    writer.Utf8(text);
                }

                break;
        }
    }

    private static InvalidOperationException Unknown(object data) =>
        new($"An output tensor holds {data.GetType()}, which the gRPC writer does not know.");
}
