using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Google.Protobuf;
using Inference;
using Shipyard.Http.Apis;
using Shipyard.Http.Errors;
using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>
/// Reads a gRPC <c>ModelInferRequest</c> into the domain's <see cref="InferRequest"/>, the form REST infer bodies are
/// read into, so the tensors are then checked, routed, scored and logged by the same code as over REST
/// (<see cref="PredictionService.InferAsync"/>): only the wire format is read here. Each tensor's elements, from its
/// typed <c>contents</c> field or from <c>raw_input_contents</c>, are written as the JSON array a REST client would send
/// in <c>data</c> (numbers as shortest round-trip text, so values arrive unchanged) and read back as that tensor's
/// <see cref="InferInputTensor.Data"/>. Problems of the wire format itself (contents in the wrong field, raw bytes that
/// are not whole elements, text that is not UTF-8) are named here, each with its field.
/// </summary>
internal static class GrpcInferRequestReader
{
    /// <summary>The request parameter that asks for <c>raw_output_contents</c> (Triton's name for the same switch over REST).</summary>
    public const string BinaryDataOutputParameter = "binary_data_output";

    /// <summary>A requested output's parameter that asks for raw outputs (the protocol's binary-data convention).</summary>
    public const string BinaryDataParameter = "binary_data";

    // Written in place of a non-finite value, which JSON cannot carry: it reads back as out of range, so the caller gets
    // the answer REST gives for a number beyond float range ("expected a finite number within the float32 range").
    private const string NonFinite = "1e999";

    /// <summary>Reads <paramref name="message"/>; dispose the result after inference (its tensors' data live in one JSON document).</summary>
    /// <param name="message">The gRPC request.</param>
    /// <param name="maxRows">Rows allowed per request (<c>Shipyard:Http:MaxInstancesPerRequest</c>).</param>
    /// <param name="requestKeyHeader">The <c>x-request-key</c> metadata, if any.</param>
    /// <exception cref="RequestRejectedException">400 naming every wire-format problem; 413 for too many rows.</exception>
    public static GrpcInferInput Read(ModelInferRequest message, int maxRows, string? requestKeyHeader)
    {
        ArgumentNullException.ThrowIfNull(message);
        var errors = new List<string>();
        var inputs = message.Inputs;
        var raw = message.RawInputContents;
        if (raw.Count > 0 && raw.Count != inputs.Count)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"raw_input_contents: has {raw.Count} entries, but there are {inputs.Count} inputs; send one per input, in the order of inputs (or none, and each input's contents)."));
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartArray();
            for (var i = 0; i < inputs.Count; i++)
            {
                var tensor = inputs[i];
                var path = string.Create(CultureInfo.InvariantCulture, $"inputs[{i}]");
                if (tensor.Shape.Count > 0)
                {
                    InferBody.CheckRows(path, tensor.Shape[0], maxRows);
                }

                writer.WriteStartArray();
                if (raw.Count == 0)
                {
                    WriteContents(writer, tensor, path, errors);
                }
                else if (tensor.Contents is { } contents && Count(contents) > 0)
                {
                    errors.Add($"{path}.contents: must be empty when raw_input_contents is used (send each input one way).");
                }
                else if (i < raw.Count)
                {
                    WriteRaw(writer, tensor.Datatype, raw[i].Span, string.Create(CultureInfo.InvariantCulture, $"raw_input_contents[{i}]"), errors);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        var requestKey = RequestKeyParameter(message, errors);
        if (errors.Count > 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "One or more inputs are invalid.", errors);
        }

        var document = JsonDocument.Parse(buffer.WrittenMemory);
        var root = document.RootElement;
        var tensors = new InferInputTensor[inputs.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = new InferInputTensor { Name = inputs[i].Name, Datatype = inputs[i].Datatype, Shape = inputs[i].Shape, Data = root[i] };
        }

        var request = new InferRequest
        {
            Id = message.Id.Length > 0 ? message.Id : null,
            Inputs = tensors,
            Outputs = message.Outputs.Count == 0 ? null : message.Outputs.Select(o => new InferRequestedOutput(o.Name)).ToArray(),
            RequestKey = KServeRequestKey.Pick(requestKey, requestKeyHeader),
        };
        return new GrpcInferInput(request, document, WantsRawOutputs(message));
    }

    /// <summary>Whether the answer carries <c>raw_output_contents</c>: when the request parameter <c>binary_data_output</c> or any
    /// requested output's <c>binary_data</c> parameter is true. The protocol allows raw or typed for a whole response, not per
    /// output, so one request for raw makes every output raw.</summary>
    private static bool WantsRawOutputs(ModelInferRequest message) =>
        IsTrue(message.Parameters, BinaryDataOutputParameter) || message.Outputs.Any(o => IsTrue(o.Parameters, BinaryDataParameter));

    private static bool IsTrue(Google.Protobuf.Collections.MapField<string, InferParameter> parameters, string name) =>
        parameters.TryGetValue(name, out var value) && value.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.BoolParam && value.BoolParam;

    private static string? RequestKeyParameter(ModelInferRequest message, List<string> errors)
    {
        if (!message.Parameters.TryGetValue(KServeRequestKey.Parameter, out var value))
        {
            return null;
        }

        if (value.ParameterChoiceCase != InferParameter.ParameterChoiceOneofCase.StringParam)
        {
            errors.Add($"parameters.{KServeRequestKey.Parameter}: expected a string_param, got {value.ParameterChoiceCase}.");
            return null;
        }

        return value.StringParam;
    }

    /// <summary>Writes the elements of the contents field that <paramref name="tensor"/>'s datatype names; any other field with
    /// elements is an error. Datatypes the protocol has no field for (FP16, BF16) write nothing: the shared checks then name the datatype.</summary>
    private static void WriteContents(Utf8JsonWriter writer, ModelInferRequest.Types.InferInputTensor tensor, string path, List<string> errors)
    {
        var contents = tensor.Contents ?? new InferTensorContents();
        var field = ContentsField(tensor.Datatype);
        foreach (var (name, count) in Fields(contents))
        {
            if (count > 0 && name != field)
            {
                errors.Add(field is null
                    ? string.Create(CultureInfo.InvariantCulture, $"{path}.contents.{name}: datatype '{tensor.Datatype}' has no contents field; {count} elements given.")
                    : string.Create(CultureInfo.InvariantCulture, $"{path}.contents.{name}: datatype {tensor.Datatype} takes {field}, but {name} holds {count} elements."));
            }
        }

        switch (field)
        {
            case "fp32_contents":
                foreach (var v in contents.Fp32Contents)
                {
                    WriteNumber(writer, v);
                }

                break;
            case "fp64_contents":
                foreach (var v in contents.Fp64Contents)
                {
                    WriteNumber(writer, v);
                }

                break;
            case "int_contents":
                foreach (var v in contents.IntContents)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case "int64_contents":
                foreach (var v in contents.Int64Contents)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case "uint_contents":
                foreach (var v in contents.UintContents)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case "uint64_contents":
                foreach (var v in contents.Uint64Contents)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case "bool_contents":
                foreach (var v in contents.BoolContents)
                {
                    writer.WriteBooleanValue(v);
                }

                break;
            case "bytes_contents":
                for (var j = 0; j < contents.BytesContents.Count; j++)
                {
                    WriteText(writer, contents.BytesContents[j].Span, string.Create(CultureInfo.InvariantCulture, $"{path}.contents.bytes_contents[{j}]"), errors);
                }

                break;
        }
    }

    /// <summary>Writes the little-endian elements of <paramref name="bytes"/> (BYTES: 4-byte length, then the text).</summary>
    private static void WriteRaw(Utf8JsonWriter writer, string datatype, ReadOnlySpan<byte> bytes, string path, List<string> errors)
    {
        if (datatype == "BYTES")
        {
            for (var element = 0; bytes.Length > 0; element++)
            {
                if (bytes.Length < 4)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: element {element} has {bytes.Length} bytes left where its 4-byte length belongs."));
                    return;
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                if (length > (uint)(bytes.Length - 4))
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: element {element} declares {length} bytes, but {bytes.Length - 4} are left."));
                    return;
                }

                WriteText(writer, bytes.Slice(4, (int)length), string.Create(CultureInfo.InvariantCulture, $"{path}[{element}]"), errors);
                bytes = bytes[(4 + (int)length)..];
            }

            return;
        }

        var size = ElementSize(datatype);
        if (size == 0)
        {
            return; // no elements the shared checks could take: they name the datatype
        }

        if (bytes.Length % size != 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {bytes.Length} bytes are not whole {datatype} elements of {size} bytes each."));
            return;
        }

        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var element = bytes.Slice(offset, size);
            switch (datatype)
            {
                case "FP32": WriteNumber(writer, BinaryPrimitives.ReadSingleLittleEndian(element)); break;
                case "FP64": WriteNumber(writer, BinaryPrimitives.ReadDoubleLittleEndian(element)); break;
                case "INT8": writer.WriteNumberValue((sbyte)element[0]); break;
                case "INT16": writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(element)); break;
                case "INT32": writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(element)); break;
                case "INT64": writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(element)); break;
                case "UINT8": writer.WriteNumberValue(element[0]); break;
                case "UINT16": writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(element)); break;
                case "UINT32": writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(element)); break;
                case "UINT64": writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(element)); break;
                default: writer.WriteBooleanValue(element[0] != 0); break; // BOOL
            }
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteRawValue(NonFinite, skipInputValidation: true);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteRawValue(NonFinite, skipInputValidation: true);
        }
    }

    private static void WriteText(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8, string path, List<string> errors)
    {
        if (Utf8.IsValid(utf8))
        {
            writer.WriteStringValue(utf8);
        }
        else
        {
            errors.Add($"{path}: not valid UTF-8 text (BYTES inputs carry the feature's text as UTF-8).");
        }
    }

    private static string? ContentsField(string datatype) => datatype switch
    {
        "FP32" => "fp32_contents",
        "FP64" => "fp64_contents",
        "INT8" or "INT16" or "INT32" => "int_contents",
        "INT64" => "int64_contents",
        "UINT8" or "UINT16" or "UINT32" => "uint_contents",
        "UINT64" => "uint64_contents",
        "BOOL" => "bool_contents",
        "BYTES" => "bytes_contents",
        _ => null,
    };

    private static int ElementSize(string datatype) => datatype switch
    {
        "INT8" or "UINT8" or "BOOL" => 1,
        "INT16" or "UINT16" => 2,
        "FP32" or "INT32" or "UINT32" => 4,
        "FP64" or "INT64" or "UINT64" => 8,
        _ => 0,
    };

    private static int Count(InferTensorContents contents) => Fields(contents).Sum(f => f.Count);

    private static (string Name, int Count)[] Fields(InferTensorContents contents) =>
    [
        ("bool_contents", contents.BoolContents.Count),
        ("int_contents", contents.IntContents.Count),
        ("int64_contents", contents.Int64Contents.Count),
        ("uint_contents", contents.UintContents.Count),
        ("uint64_contents", contents.Uint64Contents.Count),
        ("fp32_contents", contents.Fp32Contents.Count),
        ("fp64_contents", contents.Fp64Contents.Count),
        ("bytes_contents", contents.BytesContents.Count),
    ];
}
