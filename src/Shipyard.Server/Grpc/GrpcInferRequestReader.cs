using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Inference;
using Shipyard.Http.Apis;
using Shipyard.Http.Errors;
using Shipyard.Protobuf;
using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>
/// Reads a gRPC <c>ModelInferRequest</c> straight off the wire (protobuf wire format, grpc_predict_v2.proto's field
/// numbers) into the domain's <see cref="InferRequest"/>, the form REST infer bodies are read into, so the tensors are then
/// checked, routed, scored and logged by the same code as over REST (<see cref="PredictionService.InferAsync"/>): only
/// the wire format is read here. No generated message objects are built: each tensor's elements, from the typed
/// <c>contents</c> field of its datatype or from <c>raw_input_contents</c>, become its <see cref="InferInputTensor.Values"/>
/// directly; the shared checks then see the same values a JSON <c>data</c> array would give them. Problems of the wire
/// format itself (contents in the wrong field, raw bytes that are not whole elements, text that is not UTF-8, a raw entry
/// per input) are named here, each with its field.
/// <para>
/// As protobuf parsers do: fields come in any order, unknown fields are skipped, a repeated scalar field is read packed
/// or not, a message field given twice is merged (contents concatenated), a non-repeated scalar given twice keeps the
/// last. A message that is not valid protobuf (truncated, a bad wire type, a string that is not UTF-8) is refused as a
/// whole, naming the part that is broken.
/// </para>
/// </summary>
internal static class GrpcInferRequestReader
{
    // ModelInferRequest fields.
    private const int ModelNameField = 1;
    private const int ModelVersionField = 2;
    private const int IdField = 3;
    private const int ParametersField = 4;
    private const int InputsField = 5;
    private const int OutputsField = 6;
    private const int RawInputContentsField = 7;

    // InferInputTensor and InferRequestedOutputTensor fields.
    private const int TensorNameField = 1;
    private const int TensorDatatypeField = 2;
    private const int TensorShapeField = 3;
    private const int TensorParametersField = 4;
    private const int TensorContentsField = 5;
    private const int OutputParametersField = 2;

    // InferTensorContents fields, by number (index 0 unused).
    private const int BoolContents = 1;
    private const int IntContents = 2;
    private const int Int64Contents = 3;
    private const int UintContents = 4;
    private const int Uint64Contents = 5;
    private const int Fp32Contents = 6;
    private const int Fp64Contents = 7;
    private const int BytesContents = 8;
    private static readonly string[] ContentsNames =
        ["", "bool_contents", "int_contents", "int64_contents", "uint_contents", "uint64_contents", "fp32_contents", "fp64_contents", "bytes_contents"];

    private static readonly InferTensorValues NoValues = InferTensorValues.Of(Array.Empty<double>());

    /// <summary>The shape of one row of one feature, the shape of every tensor of a 1-row per-feature request: shared, as
    /// nothing changes a request's shapes.</summary>
    private static readonly long[] OneRow = [1];

    /// <summary>The most dimensions a tensor's shape may have (more are counted, not kept, and named as an error).</summary>
    private const int MaxDims = 64;

    /// <summary>Tensor and output names: the same ones in every request.</summary>
    private static readonly Utf8NameCache Names = new();

    /// <summary>Reads the message in <paramref name="payload"/> (the gRPC message as the server received it).</summary>
    /// <param name="payload">The serialized <c>ModelInferRequest</c>.</param>
    /// <param name="maxRows">Rows allowed per request (<c>Shipyard:Http:MaxInstancesPerRequest</c>).</param>
    public static GrpcInferCall Read(ReadOnlySequence<byte> payload, int maxRows)
    {
        if (payload.IsSingleSegment)
        {
            return Read(payload.FirstSpan, maxRows);
        }

        // A message across buffer segments: read from one copy (every value read is copied out before it is returned).
        var length = checked((int)payload.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(buffer);
            return Read(buffer.AsSpan(0, length), maxRows);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true); // request data does not stay in the shared pool
        }
    }

    /// <summary>Reads <paramref name="message"/>, a serialized <c>ModelInferRequest</c>.</summary>
    /// <param name="message">The message's bytes.</param>
    /// <param name="maxRows">Rows allowed per request (<c>Shipyard:Http:MaxInstancesPerRequest</c>).</param>
    public static GrpcInferCall Read(ReadOnlySpan<byte> message, int maxRows)
    {
        // Where the reader is, to name it when the message turns out malformed (names built only then).
        var section = "ModelInferRequest";
        var index = -1;
        string modelName = "", modelVersion = "";
        try
        {
            var reader = new ProtoWireReader(message);
            var id = "";
            List<(int Start, int Length)>? inputs = null, outputs = null, raw = null;
            Parameter requestKey = default, binaryOutput = default;
            while (reader.Next(out var field, out var wire))
            {
                index = -1;
                if (wire != ProtoWireReader.LengthDelimited)
                {
                    section = "ModelInferRequest";
                    reader.Skip(wire); // every known field is length-delimited: this one is unknown
                    continue;
                }

                switch (field)
                {
                    case ModelNameField:
                        section = "model_name";
                        modelName = Utf8String(reader.ReadBytes());
                        break;
                    case ModelVersionField:
                        section = "model_version";
                        modelVersion = Utf8String(reader.ReadBytes());
                        break;
                    case IdField:
                        section = "id";
                        id = Utf8String(reader.ReadBytes());
                        break;
                    case ParametersField:
                        section = "parameters";
                        var entry = ReadParameterEntry(reader.ReadBytes(), out var value);
                        if (entry.SequenceEqual("request_key"u8))
                        {
                            requestKey = Parameter.Read(value, withText: true);
                        }
                        else if (entry.SequenceEqual("binary_data_output"u8))
                        {
                            binaryOutput = Parameter.Read(value, withText: false);
                        }
                        else
                        {
                            Parameter.Read(value, withText: false); // not used, but it must be valid
                        }

                        break;
                    case InputsField:
                        section = "inputs";
                        index = inputs?.Count ?? 0;
                        InferBody.CheckInputs(index + 1); // before the inputs cost more memory than their bytes
                        (inputs ??= new(32)).Add(Range(ref reader)); // room for a per-feature request without regrowing
                        break;
                    case OutputsField:
                        section = "outputs";
                        index = outputs?.Count ?? 0;
                        (outputs ??= []).Add(Range(ref reader));
                        break;
                    case RawInputContentsField:
                        section = "raw_input_contents";
                        index = raw?.Count ?? 0;
                        (raw ??= []).Add(Range(ref reader));
                        break;
                    default:
                        section = "ModelInferRequest";
                        reader.Skip(wire);
                        break;
                }
            }

            List<string>? errors = null;
            var inputCount = inputs?.Count ?? 0;
            var rawCount = raw?.Count ?? 0;
            if (rawCount > 0 && rawCount != inputCount)
            {
                Add(ref errors, string.Create(CultureInfo.InvariantCulture, $"raw_input_contents: has {rawCount} entries, but there are {inputCount} inputs; send one per input, in the order of inputs (or none, and each input's contents)."));
            }

            section = "inputs";
            var tensors = new InferInputTensor[inputCount];
            for (index = 0; index < inputCount; index++)
            {
                var (start, length) = inputs![index];
                var rawBytes = rawCount > 0 && index < rawCount ? message.Slice(raw![index].Start, raw[index].Length) : default;
                tensors[index] = ReadTensor(message.Slice(start, length), index, rawCount > 0, index < rawCount, rawBytes, maxRows, ref errors);
            }

            section = "outputs";
            var wantsRaw = binaryOutput.IsTrue;
            InferRequestedOutput[]? requested = null;
            if (outputs is not null)
            {
                requested = new InferRequestedOutput[outputs.Count];
                for (index = 0; index < outputs.Count; index++)
                {
                    requested[index] = ReadOutput(message.Slice(outputs[index].Start, outputs[index].Length), out var binary);
                    wantsRaw |= binary;
                }
            }

            string? key = null;
            if (requestKey.Case == InferParameter.ParameterChoiceOneofCase.StringParam)
            {
                key = requestKey.Text;
            }
            else if (requestKey.Given)
            {
                Add(ref errors, $"parameters.{KServeRequestKey.Parameter}: expected a string_param, got {requestKey.Case}.");
            }

            if (errors is not null)
            {
                return new GrpcInferCall { ModelName = modelName, ModelVersion = modelVersion, Problem = RequestRejectedException.Invalid(errors) };
            }

            return new GrpcInferCall
            {
                ModelName = modelName,
                ModelVersion = modelVersion,
                Request = new InferRequest { Id = id.Length > 0 ? id : null, Inputs = tensors, Outputs = requested },
                RequestKey = key,
                RawOutputs = wantsRaw,
            };
        }
        catch (FormatException e)
        {
            var where = index >= 0 ? string.Create(CultureInfo.InvariantCulture, $"{section}[{index}]") : section;
            return new GrpcInferCall { Malformed = new RequestRejectedException(StatusCodes.Status400BadRequest, "Not a valid ModelInferRequest message", [$"{where}: {e.Message}"]) };
        }
        catch (RequestRejectedException tooManyRows)
        {
            // The row and input limits, checked before a tensor's elements are read: the first one over is the answer.
            return new GrpcInferCall { ModelName = modelName, ModelVersion = modelVersion, Problem = tooManyRows };
        }
    }

    /// <summary>One input tensor (<c>inputs[<paramref name="index"/>]</c>): its name, datatype, shape and elements.</summary>
    private static InferInputTensor ReadTensor(ReadOnlySpan<byte> tensor, int index, bool useRaw, bool hasRaw, ReadOnlySpan<byte> rawBytes, int maxRows, ref List<string>? errors)
    {
        string name = "", datatype = "";
        Span<long> dims = stackalloc long[8];
        var rank = 0; // dimensions given; those past MaxDims are counted, not kept
        List<long>? manyDims = null;
        Span<int> counts = stackalloc int[ContentsNames.Length];
        var contentsMessages = 0;
        ReadOnlySpan<byte> contents = default;
        var reader = new ProtoWireReader(tensor);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (TensorNameField, ProtoWireReader.LengthDelimited):
                    name = Name(reader.ReadBytes());
                    break;
                case (TensorDatatypeField, ProtoWireReader.LengthDelimited):
                    datatype = Datatype(reader.ReadBytes());
                    break;
                case (TensorShapeField, ProtoWireReader.Varint):
                    AddDim(dims, ref rank, ref manyDims, (long)reader.ReadVarint());
                    break;
                case (TensorShapeField, ProtoWireReader.LengthDelimited):
                    var packed = new ProtoWireReader(reader.ReadBytes());
                    while (packed.HasMore)
                    {
                        AddDim(dims, ref rank, ref manyDims, (long)packed.ReadVarint());
                    }

                    break;
                case (TensorParametersField, ProtoWireReader.LengthDelimited):
                    ReadParameterEntry(reader.ReadBytes(), out var value);
                    Parameter.Read(value, withText: false); // not used, but it must be valid
                    break;
                case (TensorContentsField, ProtoWireReader.LengthDelimited):
                    contentsMessages++;
                    contents = reader.ReadBytes();
                    CountContents(contents, counts);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        long[] shape = manyDims is not null ? [.. manyDims] : rank == 1 && dims[0] == 1 ? OneRow : dims[..rank].ToArray();
        if (shape.Length > 0 && shape[0] > maxRows)
        {
            InferBody.CheckRows(InputPath(index), shape[0], maxRows);
        }

        if (rank > MaxDims)
        {
            Add(ref errors, string.Create(CultureInfo.InvariantCulture, $"{InputPath(index)}.shape: has {rank} dimensions; a tensor has at most {MaxDims} (Shipyard's inputs take [N] or [N, F])."));
        }

        // No more elements are decoded than the shape holds, plus one so the shared checks still see "more than the
        // shape's": a small shape with megabytes of elements costs its bytes, not eight times them.
        var limit = ElementLimit(shape);

        var total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        InferTensorValues values;
        if (!useRaw)
        {
            // One contents message (as any single client sends): its elements are read from it, not looked for in the tensor again.
            values = contentsMessages == 0 ? NoValues
                : FromContents(contentsMessages == 1 ? new ContentsMessages(contents, false) : new ContentsMessages(tensor, true), index, datatype, counts, limit, ref errors);
        }
        else if (total > 0)
        {
            Add(ref errors, $"{InputPath(index)}.contents: must be empty when raw_input_contents is used (send each input one way).");
            values = NoValues;
        }
        else
        {
            values = hasRaw ? FromRaw(datatype, rawBytes, index, limit, ref errors) : NoValues;
        }

        return new InferInputTensor { Name = name, Datatype = datatype, Shape = shape, Values = values };
    }

    private static void AddDim(Span<long> dims, ref int rank, ref List<long>? manyDims, long dim)
    {
        if (manyDims is null && rank < dims.Length)
        {
            dims[rank++] = dim;
            return;
        }

        manyDims ??= [.. dims[..rank]];
        if (rank++ < MaxDims)
        {
            manyDims.Add(dim);
        }
    }

    /// <summary>How many elements to decode for <paramref name="shape"/>: the product of its dimensions plus one (saturating;
    /// a negative dimension counts as none).</summary>
    private static int ElementLimit(long[] shape)
    {
        long product = 1;
        foreach (var dim in shape)
        {
            product = dim <= 0 ? 0 : product > int.MaxValue / dim ? int.MaxValue : product * dim;
        }

        return (int)Math.Min(int.MaxValue, product + 1);
    }

    /// <summary>One requested output: its name, and whether its <c>binary_data</c> parameter is true.</summary>
    private static InferRequestedOutput ReadOutput(ReadOnlySpan<byte> output, out bool binary)
    {
        var name = "";
        binary = false;
        var reader = new ProtoWireReader(output);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (TensorNameField, ProtoWireReader.LengthDelimited):
                    name = Name(reader.ReadBytes());
                    break;
                case (OutputParametersField, ProtoWireReader.LengthDelimited):
                    var key = ReadParameterEntry(reader.ReadBytes(), out var value);
                    var parameter = Parameter.Read(value, withText: false);
                    if (key.SequenceEqual("binary_data"u8))
                    {
                        binary = parameter.IsTrue; // the last entry of a key wins, as in a protobuf map
                    }

                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new InferRequestedOutput(name);
    }

    /// <summary>A <c>map&lt;string, InferParameter&gt;</c> entry: its key (checked to be UTF-8) and its value's bytes (empty when absent).</summary>
    private static ReadOnlySpan<byte> ReadParameterEntry(ReadOnlySpan<byte> entry, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> key = default;
        value = default;
        var reader = new ProtoWireReader(entry);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoWireReader.LengthDelimited):
                    key = reader.ReadBytes();
                    break;
                case (2, ProtoWireReader.LengthDelimited):
                    value = reader.ReadBytes();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (!Utf8.IsValid(key))
        {
            throw new FormatException("a parameter name is not valid UTF-8 (protobuf strings are UTF-8).");
        }

        return key;
    }

    /// <summary>An <c>InferParameter</c>: which of its oneof fields is set (the last one given wins) and, when asked, its text.</summary>
    private readonly record struct Parameter(bool Given, InferParameter.ParameterChoiceOneofCase Case, bool Flag, string? Text)
    {
        /// <summary>A <c>bool_param</c> that is true.</summary>
        public bool IsTrue => Case == InferParameter.ParameterChoiceOneofCase.BoolParam && Flag;

        public static Parameter Read(ReadOnlySpan<byte> message, bool withText)
        {
            var choice = InferParameter.ParameterChoiceOneofCase.None;
            var flag = false;
            string? text = null;
            var reader = new ProtoWireReader(message);
            while (reader.Next(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (1, ProtoWireReader.Varint):
                        flag = reader.ReadVarint() != 0;
                        choice = InferParameter.ParameterChoiceOneofCase.BoolParam;
                        break;
                    case (2 or 5, ProtoWireReader.Varint):
                        reader.ReadVarint();
                        choice = (InferParameter.ParameterChoiceOneofCase)field;
                        break;
                    case (3, ProtoWireReader.LengthDelimited):
                        var bytes = reader.ReadBytes();
                        text = withText ? Utf8String(bytes) : Utf8.IsValid(bytes) ? null : throw NotUtf8();
                        choice = InferParameter.ParameterChoiceOneofCase.StringParam;
                        break;
                    case (4, ProtoWireReader.Fixed64):
                        reader.ReadFixed64();
                        choice = InferParameter.ParameterChoiceOneofCase.DoubleParam;
                        break;
                    default:
                        reader.Skip(wire);
                        break;
                }
            }

            return new Parameter(true, choice, flag, text);
        }
    }

    /// <summary>Adds how many elements each contents field of <paramref name="contents"/> holds to <paramref name="counts"/> (by field number).</summary>
    private static void CountContents(ReadOnlySpan<byte> contents, Span<int> counts)
    {
        var reader = new ProtoWireReader(contents);
        while (reader.Next(out var field, out var wire))
        {
            if (field is < BoolContents or > BytesContents)
            {
                reader.Skip(wire);
            }
            else if (wire == ElementWire(field))
            {
                reader.Skip(wire);
                counts[field]++;
            }
            else if (wire == ProtoWireReader.LengthDelimited)
            {
                counts[field] += PackedCount(reader.ReadBytes(), field);
            }
            else
            {
                reader.Skip(wire); // a known number with another wire type is an unknown field to protobuf
            }
        }
    }

    /// <summary>How many elements a packed repeated field of contents field <paramref name="field"/> holds.</summary>
    private static int PackedCount(ReadOnlySpan<byte> packed, int field)
    {
        switch (ElementWire(field))
        {
            case ProtoWireReader.Fixed32:
            case ProtoWireReader.Fixed64:
                var size = ElementWire(field) == ProtoWireReader.Fixed32 ? 4 : 8;
                return packed.Length % size == 0
                    ? packed.Length / size
                    : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"packed {ContentsNames[field]} of {packed.Length} bytes is not whole {size}-byte elements."));
            default:
                var reader = new ProtoWireReader(packed);
                var count = 0;
                while (reader.HasMore)
                {
                    reader.ReadVarint();
                    count++;
                }

                return count;
        }
    }

    /// <summary>The wire type of one element of contents field <paramref name="field"/> when not packed.</summary>
    private static int ElementWire(int field) => field switch
    {
        Fp32Contents => ProtoWireReader.Fixed32,
        Fp64Contents => ProtoWireReader.Fixed64,
        BytesContents => ProtoWireReader.LengthDelimited,
        _ => ProtoWireReader.Varint,
    };

    /// <summary>The elements of the contents field that <paramref name="datatype"/> names; any other field with elements is
    /// an error. Datatypes the protocol has no field for (FP16, BF16) give none: the shared checks then name the datatype.</summary>
    private static InferTensorValues FromContents(ContentsMessages messages, int index, string datatype, ReadOnlySpan<int> counts, int limit, ref List<string>? errors)
    {
        var wanted = ContentsField(datatype);
        for (var field = BoolContents; field <= BytesContents; field++)
        {
            if (counts[field] > 0 && field != wanted)
            {
                Add(ref errors, wanted == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{InputPath(index)}.contents.{ContentsNames[field]}: datatype '{datatype}' has no contents field; {counts[field]} elements given.")
                    : string.Create(CultureInfo.InvariantCulture, $"{InputPath(index)}.contents.{ContentsNames[field]}: datatype {datatype} takes {ContentsNames[wanted]}, but {ContentsNames[field]} holds {counts[field]} elements."));
            }
        }

        var count = wanted == 0 ? 0 : Math.Min(counts[wanted], limit);
        switch (wanted)
        {
            case Fp32Contents:
                var floats = new double[count];
                Decode(messages, wanted, floats, static bits => BitConverter.UInt32BitsToSingle((uint)bits));
                return InferTensorValues.Of(floats);
            case Fp64Contents:
                var doubles = new double[count];
                Decode(messages, wanted, doubles, BitConverter.UInt64BitsToDouble);
                return InferTensorValues.Of(doubles);
            case IntContents:
                return Integers(messages, wanted, count, static bits => (int)bits);
            case Int64Contents:
                return Integers(messages, wanted, count, static bits => (long)bits);
            case UintContents:
                return Integers(messages, wanted, count, static bits => (uint)bits);
            case BoolContents:
                return Integers(messages, wanted, count, static bits => bits != 0 ? 1L : 0L);
            case Uint64Contents:
                var unsigned = new ulong[count];
                Decode(messages, wanted, unsigned, static bits => bits);

                // Beyond long's range a UINT64 is no int64 feature value: as a number it is then refused as out of range.
                return unsigned.All(v => v <= long.MaxValue)
                    ? InferTensorValues.Of([.. unsigned.Select(v => (long)v)])
                    : InferTensorValues.Of([.. unsigned.Select(v => (double)v)]);
            case BytesContents:
                return InferTensorValues.Of(Texts(messages, index, count, ref errors));
            default:
                return NoValues;
        }
    }

    private static InferTensorValues Integers(ContentsMessages messages, int field, int count, Func<ulong, long> convert)
    {
        var integers = new long[count];
        Decode(messages, field, integers, convert);
        return InferTensorValues.Of(integers);
    }

    /// <summary>Fills <paramref name="into"/> with every element of contents field <paramref name="field"/>, in order, from
    /// every contents message (packed or not), each converted from its wire bits.</summary>
    private static void Decode<T>(ContentsMessages messages, int field, T[] into, Func<ulong, T> convert)
    {
        var element = ElementWire(field);
        var next = 0;
        while (next < into.Length && messages.Next(out var message))
        {
            var contents = new ProtoWireReader(message);
            while (next < into.Length && contents.Next(out var contentsField, out var wire))
            {
                if (contentsField != field)
                {
                    contents.Skip(wire);
                }
                else if (wire == element)
                {
                    into[next++] = convert(ReadElement(ref contents, element));
                }
                else if (wire == ProtoWireReader.LengthDelimited)
                {
                    var packed = new ProtoWireReader(contents.ReadBytes());
                    while (next < into.Length && packed.HasMore)
                    {
                        into[next++] = convert(ReadElement(ref packed, element));
                    }
                }
                else
                {
                    contents.Skip(wire);
                }
            }
        }
    }

    private static ulong ReadElement(ref ProtoWireReader reader, int wire) => wire switch
    {
        ProtoWireReader.Fixed32 => reader.ReadFixed32(),
        ProtoWireReader.Fixed64 => reader.ReadFixed64(),
        _ => reader.ReadVarint(),
    };

    /// <summary>The <c>bytes_contents</c> elements as text (each checked to be UTF-8).</summary>
    private static string[] Texts(ContentsMessages messages, int index, int count, ref List<string>? errors)
    {
        var texts = new string[count];
        var next = 0;
        while (next < count && messages.Next(out var message))
        {
            var contents = new ProtoWireReader(message);
            while (next < count && contents.Next(out var field, out var wire))
            {
                if (field == BytesContents && wire == ProtoWireReader.LengthDelimited)
                {
                    var j = next++;
                    texts[j] = Text(contents.ReadBytes(), ref errors, index, j, static (i, e) => string.Create(CultureInfo.InvariantCulture, $"{InputPath(i)}.contents.bytes_contents[{e}]"));
                }
                else
                {
                    contents.Skip(wire);
                }
            }
        }

        return texts;
    }

    /// <summary>The <c>contents</c> messages of an input tensor, in order: the one message, or each one the tensor holds
    /// (a message field given twice is merged, so their elements concatenate).</summary>
    private ref struct ContentsMessages
    {
        private readonly ReadOnlySpan<byte> _single;
        private readonly bool _fromTensor;
        private ProtoWireReader _tensor;
        private bool _done;

        /// <param name="source">One contents message, or the tensor when <paramref name="fromTensor"/>.</param>
        /// <param name="fromTensor">Whether <paramref name="source"/> is the tensor to find the contents messages in.</param>
        public ContentsMessages(ReadOnlySpan<byte> source, bool fromTensor)
        {
            _single = source;
            _fromTensor = fromTensor;
            _tensor = new ProtoWireReader(fromTensor ? source : default);
        }

        public bool Next(out ReadOnlySpan<byte> contents)
        {
            if (!_fromTensor)
            {
                contents = _single;
                var first = !_done;
                _done = true;
                return first;
            }

            while (_tensor.Next(out var field, out var wire))
            {
                if (field == TensorContentsField && wire == ProtoWireReader.LengthDelimited)
                {
                    contents = _tensor.ReadBytes();
                    return true;
                }

                _tensor.Skip(wire);
            }

            contents = default;
            return false;
        }
    }

    /// <summary>The little-endian elements of <paramref name="bytes"/>, <c>raw_input_contents[<paramref name="index"/>]</c> (BYTES: each a 4-byte length, then the text).</summary>
    private static InferTensorValues FromRaw(string datatype, ReadOnlySpan<byte> bytes, int index, int limit, ref List<string>? errors)
    {
        if (datatype == "BYTES")
        {
            var texts = new List<string>();
            for (var element = 0; bytes.Length > 0 && element < limit; element++)
            {
                if (bytes.Length < 4)
                {
                    Add(ref errors, string.Create(CultureInfo.InvariantCulture, $"{RawPath(index)}: element {element} has {bytes.Length} bytes left where its 4-byte length belongs."));
                    break;
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                if (length > (uint)(bytes.Length - 4))
                {
                    Add(ref errors, string.Create(CultureInfo.InvariantCulture, $"{RawPath(index)}: element {element} declares {length} bytes, but {bytes.Length - 4} are left."));
                    break;
                }

                texts.Add(Text(bytes.Slice(4, (int)length), ref errors, index, element, static (i, e) => string.Create(CultureInfo.InvariantCulture, $"{RawPath(i)}[{e}]")));
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
            Add(ref errors, string.Create(CultureInfo.InvariantCulture, $"{RawPath(index)}: {bytes.Length} bytes are not whole {datatype} elements of {size} bytes each."));
            return NoValues;
        }

        var count = Math.Min(bytes.Length / size, limit);
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

    /// <summary>A BYTES element as text; when it is not UTF-8, an error at the path <paramref name="path"/> gives for
    /// (<paramref name="index"/>, <paramref name="element"/>) — built only then — and an empty string.</summary>
    private static string Text(ReadOnlySpan<byte> utf8, ref List<string>? errors, int index, int element, Func<int, int, string> path)
    {
        if (Utf8.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Add(ref errors, $"{path(index, element)}: not valid UTF-8 text (BYTES inputs carry the feature's text as UTF-8).");
        return "";
    }

    /// <summary>A protobuf <c>string</c> field: UTF-8, else the message is malformed.</summary>
    private static string Utf8String(ReadOnlySpan<byte> utf8) =>
        Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : throw NotUtf8();

    /// <summary>A tensor's or output's name (a protobuf <c>string</c>).</summary>
    private static string Name(ReadOnlySpan<byte> utf8) => Names.Get(utf8) ?? throw NotUtf8();

    private static FormatException NotUtf8() => new("a string field is not valid UTF-8 (protobuf strings are UTF-8).");

    /// <summary>The datatype's name: the protocol's names without allocating, any other as sent.</summary>
    private static string Datatype(ReadOnlySpan<byte> utf8) => utf8 switch
    {
        _ when utf8.SequenceEqual("FP32"u8) => "FP32",
        _ when utf8.SequenceEqual("FP64"u8) => "FP64",
        _ when utf8.SequenceEqual("INT64"u8) => "INT64",
        _ when utf8.SequenceEqual("INT32"u8) => "INT32",
        _ when utf8.SequenceEqual("BYTES"u8) => "BYTES",
        _ when utf8.SequenceEqual("BOOL"u8) => "BOOL",
        _ => UserText.Shorten(Utf8String(utf8), 64), // quoted in errors only: cut
    };

    /// <summary>Where the field just read lies in its message: (start, length) of its bytes.</summary>
    private static (int Start, int Length) Range(ref ProtoWireReader reader)
    {
        var length = reader.ReadBytes().Length;
        return (reader.Position - length, length);
    }

    // Problems past what an answer lists are not collected: a message of a million bad elements costs no more.
    private static void Add(ref List<string>? errors, string error)
    {
        errors ??= [];
        if (!RequestRejectedException.Enough(errors))
        {
            errors.Add(error);
        }
    }

    private static string InputPath(int index) => string.Create(CultureInfo.InvariantCulture, $"inputs[{index}]");

    private static string RawPath(int index) => string.Create(CultureInfo.InvariantCulture, $"raw_input_contents[{index}]");

    /// <summary>The contents field (number) of <paramref name="datatype"/>, or 0 when it has none.</summary>
    private static int ContentsField(string datatype) => datatype switch
    {
        "FP32" => Fp32Contents,
        "FP64" => Fp64Contents,
        "INT8" or "INT16" or "INT32" => IntContents,
        "INT64" => Int64Contents,
        "UINT8" or "UINT16" or "UINT32" => UintContents,
        "UINT64" => Uint64Contents,
        "BOOL" => BoolContents,
        "BYTES" => BytesContents,
        _ => 0,
    };

    private static int ElementSize(string datatype) => datatype switch
    {
        "INT8" or "UINT8" or "BOOL" => 1,
        "INT16" or "UINT16" => 2,
        "FP32" or "INT32" or "UINT32" => 4,
        "FP64" or "INT64" or "UINT64" => 8,
        _ => 0,
    };
}
