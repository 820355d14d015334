using System.Buffers.Binary;
using System.Globalization;
using System.Text;
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
/// (<see cref="PredictionService.InferAsync"/>): only the wire format is read here. Each tensor's elements, from the
/// typed <c>contents</c> field of its datatype or from <c>raw_input_contents</c>, become its
/// <see cref="InferInputTensor.Values"/>; the shared checks then see the same values a JSON <c>data</c> array would give
/// them. Problems of the wire format itself (contents in the wrong field, raw bytes that are not whole elements, text
/// that is not UTF-8, a raw entry per input) are named here, each with its field.
/// </summary>
internal static class GrpcInferRequestReader
{
    /// <summary>The request parameter that asks for <c>raw_output_contents</c> (Triton's name for the same switch over REST).</summary>
    public const string BinaryDataOutputParameter = "binary_data_output";

    /// <summary>A requested output's parameter that asks for raw outputs (the protocol's binary-data convention).</summary>
    public const string BinaryDataParameter = "binary_data";

    private static readonly InferTensorValues NoValues = InferTensorValues.Of(Array.Empty<double>());

    /// <summary>Reads <paramref name="message"/>.</summary>
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

        var tensors = new InferInputTensor[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var tensor = inputs[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"inputs[{i}]");
            if (tensor.Shape.Count > 0)
            {
                InferBody.CheckRows(path, tensor.Shape[0], maxRows);
            }

            InferTensorValues values;
            if (raw.Count == 0)
            {
                values = FromContents(tensor, path, errors);
            }
            else if (tensor.Contents is { } contents && Count(contents) > 0)
            {
                errors.Add($"{path}.contents: must be empty when raw_input_contents is used (send each input one way).");
                values = NoValues;
            }
            else
            {
                values = i < raw.Count ? FromRaw(tensor.Datatype, raw[i].Span, string.Create(CultureInfo.InvariantCulture, $"raw_input_contents[{i}]"), errors) : NoValues;
            }

            tensors[i] = new InferInputTensor { Name = tensor.Name, Datatype = tensor.Datatype, Shape = tensor.Shape, Values = values };
        }

        var requestKey = RequestKeyParameter(message, errors);
        if (errors.Count > 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "One or more inputs are invalid.", errors);
        }

        var request = new InferRequest
        {
            Id = message.Id.Length > 0 ? message.Id : null,
            Inputs = tensors,
            Outputs = message.Outputs.Count == 0 ? null : message.Outputs.Select(o => new InferRequestedOutput(o.Name)).ToArray(),
        };
        return new GrpcInferInput(request, KServeRequestKey.Pick(requestKey, requestKeyHeader), WantsRawOutputs(message));
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

    /// <summary>The elements of the contents field that <paramref name="tensor"/>'s datatype names; any other field with
    /// elements is an error. Datatypes the protocol has no field for (FP16, BF16) give none: the shared checks then name the datatype.</summary>
    private static InferTensorValues FromContents(ModelInferRequest.Types.InferInputTensor tensor, string path, List<string> errors)
    {
        var contents = tensor.Contents;
        if (contents is null)
        {
            return NoValues;
        }

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
                var floats = contents.Fp32Contents;
                var numbers = new double[floats.Count];
                for (var j = 0; j < numbers.Length; j++)
                {
                    numbers[j] = floats[j];
                }

                return InferTensorValues.Of(numbers);
            case "fp64_contents":
                return InferTensorValues.Of([.. contents.Fp64Contents]);
            case "int_contents":
                return InferTensorValues.Of([.. contents.IntContents.Select(v => (long)v)]);
            case "int64_contents":
                return InferTensorValues.Of([.. contents.Int64Contents]);
            case "uint_contents":
                return InferTensorValues.Of([.. contents.UintContents.Select(v => (long)v)]);
            case "uint64_contents":
                // Beyond long's range a UINT64 is no int64 feature value: as a number it is then refused as out of range.
                return contents.Uint64Contents.All(v => v <= long.MaxValue)
                    ? InferTensorValues.Of([.. contents.Uint64Contents.Select(v => (long)v)])
                    : InferTensorValues.Of([.. contents.Uint64Contents.Select(v => (double)v)]);
            case "bool_contents":
                return InferTensorValues.Of([.. contents.BoolContents.Select(v => v ? 1L : 0L)]);
            case "bytes_contents":
                var texts = new string[contents.BytesContents.Count];
                for (var j = 0; j < texts.Length; j++)
                {
                    texts[j] = Text(contents.BytesContents[j].Span, string.Create(CultureInfo.InvariantCulture, $"{path}.contents.bytes_contents[{j}]"), errors);
                }

                return InferTensorValues.Of(texts);
            default:
                return NoValues;
        }
    }

    /// <summary>The little-endian elements of <paramref name="bytes"/> (BYTES: each a 4-byte length, then the text).</summary>
    private static InferTensorValues FromRaw(string datatype, ReadOnlySpan<byte> bytes, string path, List<string> errors)
    {
        if (datatype == "BYTES")
        {
            var texts = new List<string>();
            for (var element = 0; bytes.Length > 0; element++)
            {
                if (bytes.Length < 4)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: element {element} has {bytes.Length} bytes left where its 4-byte length belongs."));
                    break;
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                if (length > (uint)(bytes.Length - 4))
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: element {element} declares {length} bytes, but {bytes.Length - 4} are left."));
                    break;
                }

                texts.Add(Text(bytes.Slice(4, (int)length), string.Create(CultureInfo.InvariantCulture, $"{path}[{element}]"), errors));
                bytes = bytes[(4 + (int)length)..];
            }

            return InferTensorValues.Of([.. texts]);
        }

        var size = ElementSize(datatype);
        if (size == 0)
        {
            return NoValues; // no elements the shared checks could take: they name the datatype
        }

        if (bytes.Length % size != 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {bytes.Length} bytes are not whole {datatype} elements of {size} bytes each."));
            return NoValues;
        }

        var count = bytes.Length / size;
        if (datatype is "FP32" or "FP64" || (datatype == "UINT64" && !FitsInt64(bytes)))
        {
            var numbers = new double[count];
            for (var j = 0; j < count; j++)
            {
                var element = bytes.Slice(j * size, size);
                numbers[j] = datatype switch
                {
                    "FP32" => BinaryPrimitives.ReadSingleLittleEndian(element),
                    "FP64" => BinaryPrimitives.ReadDoubleLittleEndian(element),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(element),
                };
            }

            return InferTensorValues.Of(numbers);
        }

        var integers = new long[count];
        for (var j = 0; j < count; j++)
        {
            var element = bytes.Slice(j * size, size);
            integers[j] = datatype switch
            {
                "INT8" => (sbyte)element[0],
                "INT16" => BinaryPrimitives.ReadInt16LittleEndian(element),
                "INT32" => BinaryPrimitives.ReadInt32LittleEndian(element),
                "INT64" => BinaryPrimitives.ReadInt64LittleEndian(element),
                "UINT8" => element[0],
                "UINT16" => BinaryPrimitives.ReadUInt16LittleEndian(element),
                "UINT32" => BinaryPrimitives.ReadUInt32LittleEndian(element),
                "UINT64" => (long)BinaryPrimitives.ReadUInt64LittleEndian(element),
                _ => element[0] != 0 ? 1 : 0, // BOOL
            };
        }

        return InferTensorValues.Of(integers);
    }

    private static bool FitsInt64(ReadOnlySpan<byte> bytes)
    {
        for (var offset = 0; offset < bytes.Length; offset += 8)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]) > long.MaxValue)
            {
                return false;
            }
        }

        return true;
    }

    private static string Text(ReadOnlySpan<byte> utf8, string path, List<string> errors)
    {
        if (Utf8.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        errors.Add($"{path}: not valid UTF-8 text (BYTES inputs carry the feature's text as UTF-8).");
        return "";
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
