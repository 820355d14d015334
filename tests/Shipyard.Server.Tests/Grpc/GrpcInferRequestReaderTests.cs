using System.Buffers;
using System.Globalization;
using Google.Protobuf;
using Inference;
using Microsoft.AspNetCore.Http;
using Shipyard.Scoring;
using Shipyard.Server.Grpc;
using Xunit;

namespace Shipyard.Server.Tests.Grpc;

/// <summary>
/// <see cref="GrpcInferRequestReader"/> on the wire as protobuf allows it to arrive: what a generated client writes, and
/// the same message written otherwise (fields in another order, unknown fields, repeated fields unpacked, a message
/// field split in two, a buffer in pieces) read alike; a message that is not protobuf refused naming where, never thrown.
/// Messages are written with Google.Protobuf's own <see cref="CodedOutputStream"/> field by field.
/// </summary>
public sealed class GrpcInferRequestReaderTests
{
    private const int MaxRows = 1000;

    /// <summary>Two FP32 features, one row, as a generated client sends them; what the reader makes of it.</summary>
    private static readonly string Expected = Describe(GrpcInferRequestReader.Read(Generated().ToByteArray(), MaxRows));

    [Fact]
    public void Read_GeneratedClientMessage_GivesTheDomainRequest()
    {
        var call = GrpcInferRequestReader.Read(Generated().ToByteArray(), MaxRows);

        Assert.Null(call.Malformed);
        Assert.Null(call.Problem);
        Assert.Equal("model breast-cancer v1 id r1 key k1 raw False | mean_radius FP32 [1] 12.5 | mean_texture FP32 [1] 20.25 | outputs label", Describe(call));
    }

    [Fact]
    public void Read_FieldsInAnyOrder_SameRequest()
    {
        var bytes = Message(m =>
        {
            Field(m, 6, Message(o => Strings(o, (1, "label")))); // outputs before everything
            Field(m, 5, Tensor("mean_radius", 12.5f, reverse: true));
            Field(m, 4, Message(e => { Field(e, 2, Message(p => { p.WriteTag(3, WireFormat.WireType.LengthDelimited); p.WriteString("k1"); })); e.WriteTag(1, WireFormat.WireType.LengthDelimited); e.WriteString("request_key"); }));
            Field(m, 5, Tensor("mean_texture", 20.25f, reverse: true));
            Strings(m, (3, "r1"), (2, "1"), (1, "breast-cancer"));
        });

        Assert.Equal(Expected, Describe(GrpcInferRequestReader.Read(bytes, MaxRows)));
    }

    [Fact]
    public void Read_UnknownFieldsOfEveryWireType_AreSkippedAtEveryLevel()
    {
        var request = Generated();
        var bytes = Message(m =>
        {
            Unknown(m);
            Strings(m, (1, "breast-cancer"), (2, "1"), (3, "r1"));
            Field(m, 4, Message(e => { Unknown(e); Strings(e, (1, "request_key")); Field(e, 2, Message(p => { Unknown(p); Strings(p, (3, "k1")); })); }));
            foreach (var input in request.Inputs)
            {
                Field(m, 5, Message(t =>
                {
                    Unknown(t);
                    Strings(t, (1, input.Name), (2, "FP32"));
                    t.WriteTag(3, WireFormat.WireType.LengthDelimited);
                    t.WriteBytes(ByteString.CopyFrom(1));
                    Field(t, 5, Message(c => { Unknown(c); c.WriteTag(6, WireFormat.WireType.Fixed32); c.WriteFloat(input.Contents.Fp32Contents[0]); }));
                }));
            }

            Field(m, 6, Message(o => { Unknown(o); Strings(o, (1, "label")); }));

            // Known field numbers with the wrong wire type are unknown fields to protobuf too.
            m.WriteTag(1, WireFormat.WireType.Varint);
            m.WriteInt64(7);
            m.WriteTag(5, WireFormat.WireType.Fixed32);
            m.WriteFixed32(7);
        });

        Assert.Equal(Expected, Describe(GrpcInferRequestReader.Read(bytes, MaxRows)));
    }

    [Fact]
    public void Read_RepeatedFieldsPackedOrNot_AndContentsGivenTwice_ReadAlike()
    {
        // One tensor [2, 3] of INT64 and one [3] of FP32: shapes and elements unpacked, packed, and split over two contents messages.
        var bytes = Message(m =>
        {
            Strings(m, (1, "m"));
            Field(m, 5, Message(t =>
            {
                Strings(t, (1, "a"), (2, "INT64"));
                t.WriteTag(3, WireFormat.WireType.Varint);
                t.WriteInt64(2); // shape unpacked
                t.WriteTag(3, WireFormat.WireType.Varint);
                t.WriteInt64(3);
                Field(t, 5, Message(c =>
                {
                    c.WriteTag(3, WireFormat.WireType.Varint);
                    c.WriteInt64(-1); // unpacked, 10-byte varint
                    Packed(c, 3, w => { w.WriteInt64(2); w.WriteInt64(300); });
                }));
                Field(t, 5, Message(c => Packed(c, 3, w => { w.WriteInt64(long.MaxValue); w.WriteInt64(long.MinValue); w.WriteInt64(0); })));
            }));
            Field(m, 5, Message(t =>
            {
                Strings(t, (1, "b"), (2, "FP32"));
                Packed(t, 3, w => w.WriteInt64(3));
                Field(t, 5, Message(c =>
                {
                    c.WriteTag(6, WireFormat.WireType.Fixed32);
                    c.WriteFloat(1.5f);
                    Packed(c, 6, w => { w.WriteFloat(-2f); w.WriteFloat(float.MaxValue); });
                }));
            }));
        });

        var call = GrpcInferRequestReader.Read(bytes, MaxRows);

        Assert.Equal(
            $"model m v id  key  raw False | a INT64 [2,3] -1 2 300 {long.MaxValue} {long.MinValue} 0 | b FP32 [3] 1.5 -2 {(double)float.MaxValue:R}",
            Describe(call));
    }

    [Fact]
    public void Read_EveryContentsFieldAndRawLayout_GivesTheDatatypesValues()
    {
        var request = new ModelInferRequest { ModelName = "m" };
        request.Inputs.Add(Input("bool", "BOOL", new InferTensorContents { BoolContents = { true, false } }));
        request.Inputs.Add(Input("int8", "INT8", new InferTensorContents { IntContents = { -128, 127 } }));
        request.Inputs.Add(Input("uint32", "UINT32", new InferTensorContents { UintContents = { 0, uint.MaxValue } }));
        request.Inputs.Add(Input("uint64", "UINT64", new InferTensorContents { Uint64Contents = { 1, long.MaxValue } }));
        request.Inputs.Add(Input("big", "UINT64", new InferTensorContents { Uint64Contents = { 1, ulong.MaxValue } }));
        request.Inputs.Add(Input("fp64", "FP64", new InferTensorContents { Fp64Contents = { 0.1, -1e300 } }));
        request.Inputs.Add(Input("text", "BYTES", new InferTensorContents { BytesContents = { ByteString.CopyFromUtf8("ä"), ByteString.Empty } }));

        Assert.Equal(
            "model m v id  key  raw False | bool BOOL [2] 1 0 | int8 INT8 [2] -128 127 | uint32 UINT32 [2] 0 4294967295 | uint64 UINT64 [2] 1 9223372036854775807"
            + " | big UINT64 [2] 1 1.8446744073709552E+19 | fp64 FP64 [2] 0.1 -1E+300 | text BYTES [2] 'ä' ''",
            Describe(GrpcInferRequestReader.Read(request.ToByteArray(), MaxRows)));

        var raw = new ModelInferRequest { ModelName = "m" };
        raw.Inputs.Add(Input("int16", "INT16", null));
        raw.Inputs.Add(Input("text", "BYTES", null));
        raw.RawInputContents.Add(ByteString.CopyFrom(0xFF, 0xFF, 0x02, 0x00));
        raw.RawInputContents.Add(ByteString.CopyFrom(1, 0, 0, 0, (byte)'x', 0, 0, 0, 0));

        Assert.Equal("model m v id  key  raw False | int16 INT16 [2] -1 2 | text BYTES [2] 'x' ''", Describe(GrpcInferRequestReader.Read(raw.ToByteArray(), MaxRows)));
    }

    [Fact]
    public void Read_MessageInBufferSegments_SameRequest()
    {
        var bytes = Generated().ToByteArray();
        var first = new Segment(bytes.AsMemory(0, 7));
        var last = first.Append(bytes.AsMemory(7, 30)).Append(bytes.AsMemory(37));

        var call = GrpcInferRequestReader.Read(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), MaxRows);

        Assert.Equal(Expected, Describe(call));
    }

    [Fact]
    public void Read_ScalarGivenTwice_LastWins_AsProtobufMerges()
    {
        var bytes = Message(m => Strings(m, (1, "first"), (2, "9"), (1, "breast-cancer"), (2, "1")));

        var call = GrpcInferRequestReader.Read(bytes, MaxRows);

        Assert.Equal(("breast-cancer", "1"), (call.ModelName, call.ModelVersion));
    }

    [Fact]
    public void Read_BinaryDataParameters_AskForRawOutputs()
    {
        var byRequest = Generated();
        byRequest.Parameters["binary_data_output"] = new InferParameter { BoolParam = true };
        var byOutput = Generated();
        byOutput.Outputs[0].Parameters["binary_data"] = new InferParameter { BoolParam = true };
        var off = Generated();
        off.Parameters["binary_data_output"] = new InferParameter { BoolParam = false };
        off.Outputs[0].Parameters["binary_data"] = new InferParameter { StringParam = "true" };

        Assert.True(GrpcInferRequestReader.Read(byRequest.ToByteArray(), MaxRows).RawOutputs);
        Assert.True(GrpcInferRequestReader.Read(byOutput.ToByteArray(), MaxRows).RawOutputs);
        Assert.False(GrpcInferRequestReader.Read(off.ToByteArray(), MaxRows).RawOutputs);
    }

    public static TheoryData<string, string> Malformed() => new()
    {
        { "truncated-input", "inputs[1]: a field of " },
        { "truncated-varint", "ModelInferRequest: a varint runs past the end of the data." },
        { "long-varint", "ModelInferRequest: a varint is longer than 10 bytes." },
        { "field-zero", "ModelInferRequest: field number 0 at byte 1" },
        { "group", "ModelInferRequest: wire type 3 (groups or invalid) at byte 1." },
        { "wire-type-7", "ModelInferRequest: wire type 7 (groups or invalid) at byte 1." },
        { "truncated-float", "inputs[0]: a fixed-size field runs past the end of the data." },
        { "packed-partial-float", "inputs[0]: packed fp32_contents of 6 bytes is not whole 4-byte elements." },
        { "name-not-utf8", "inputs[0]: a string field is not valid UTF-8 (protobuf strings are UTF-8)." },
        { "model-not-utf8", "model_name: a string field is not valid UTF-8" },
        { "parameter-not-utf8", "parameters: a parameter name is not valid UTF-8" },
        { "output-truncated", "outputs[0]: a field of 9 bytes runs past the end of its message" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Read_NotProtobuf_IsRefusedNamingWhere_NotThrown(string problem, string error)
    {
        var valid = Generated().ToByteArray();
        byte[] bytes = problem switch
        {
            "truncated-input" => valid[..FieldEnd(valid, 5, 1)][..^3],
            "truncated-varint" => [0x08, 0x80],
            "long-varint" => [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
            "field-zero" => [0x00, 0x01],
            "group" => [0x0B, 0x0C],
            "wire-type-7" => [0x0F, 0x01],
            "truncated-float" => Message(m => Field(m, 5, Message(t => Field(t, 5, [0x35, 0x00, 0x00])))),
            "packed-partial-float" => Message(m => Field(m, 5, Message(t => Field(t, 5, Message(c => Field(c, 6, [1, 2, 3, 4, 5, 6])))))),
            "name-not-utf8" => Message(m => Field(m, 5, Message(t => Field(t, 1, [0xC3, 0x28])))),
            "model-not-utf8" => Message(m => Field(m, 1, [0xFF])),
            "parameter-not-utf8" => Message(m => Field(m, 4, Message(e => Field(e, 1, [0xFE])))),
            "output-truncated" => Message(m => { m.WriteTag(6, WireFormat.WireType.LengthDelimited); m.WriteLength(9); m.WriteRawTag(0x0A); }),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var call = GrpcInferRequestReader.Read(bytes, MaxRows);

        Assert.NotNull(call.Malformed);
        Assert.Null(call.Request);
        Assert.Equal(StatusCodes.Status400BadRequest, call.Malformed.StatusCode);
        Assert.StartsWith("Not a valid ModelInferRequest message: " + error, call.Malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryPrefixOfAMessage_IsReadOrRefused_NeverThrown()
    {
        var valid = Generated().ToByteArray();
        var boundaries = FieldBoundaries(valid);
        for (var length = 0; length < valid.Length; length++)
        {
            var call = GrpcInferRequestReader.Read(valid.AsSpan(0, length), MaxRows);

            // A cut between top-level fields leaves a shorter, valid message; any other cut is malformed.
            Assert.True(boundaries.Contains(length) == call.Malformed is null, $"prefix of {length} bytes: {call.Malformed?.Message ?? "read"}");
        }
    }

    [Fact]
    public void Read_TooManyRows_Is413_BeforeTheElementsAreRead()
    {
        var request = Generated();
        request.Inputs[1].Shape[0] = MaxRows + 1;
        request.Inputs[0].Contents.Int64Contents.Add(1); // a wire problem in an earlier input: the row limit still answers

        var call = GrpcInferRequestReader.Read(request.ToByteArray(), MaxRows);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, call.Problem?.StatusCode);
        Assert.Contains("inputs[1].shape[0]: 1001 rows exceed the limit of 1000 per request", call.Problem!.Message, StringComparison.Ordinal);
        Assert.Equal("breast-cancer", call.ModelName);
    }

    [Fact]
    public void Read_ManyBadElements_ListsTheFirstHundredAndSaysThereAreMore()
    {
        var request = new ModelInferRequest { ModelName = "digits", ModelVersion = "1" };
        var contents = new InferTensorContents();
        contents.BytesContents.AddRange(Enumerable.Repeat(ByteString.CopyFrom(0xFF), 5000)); // not UTF-8, each of them
        request.Inputs.Add(Input("text", "BYTES", contents, 5000));

        var call = GrpcInferRequestReader.Read(request.ToByteArray(), 10_000);

        var errors = call.Problem!.Errors;
        Assert.Equal(101, errors.Count);
        Assert.StartsWith("inputs[0].contents.bytes_contents[99]: not valid UTF-8", errors[99], StringComparison.Ordinal);
        Assert.Equal("…: more problems were found; the first 100 are listed.", errors[100]);
    }

    [Fact]
    public void Read_SmallShapeWithManyElements_DecodesNoMoreThanTheShapeHoldsPlusOne()
    {
        var request = new ModelInferRequest { ModelName = "breast-cancer", ModelVersion = "1" };
        var contents = new InferTensorContents();
        contents.BoolContents.AddRange(Enumerable.Repeat(true, 100_000));
        request.Inputs.Add(Input("mean_radius", "BOOL", contents, 1));
        var raw = new ModelInferRequest { ModelName = "breast-cancer", ModelVersion = "1" };
        raw.Inputs.Add(Input("mean_radius", "FP32", null, 1));
        raw.RawInputContents.Add(ByteString.CopyFrom(new byte[400_000]));

        var typed = GrpcInferRequestReader.Read(request.ToByteArray(), MaxRows).Request!.Inputs[0].Values!;
        var fromRaw = GrpcInferRequestReader.Read(raw.ToByteArray(), MaxRows).Request!.Inputs[0].Values!;

        // Two: enough for the shared checks to say "has more elements than the shape's 1", not 100,000 decoded.
        Assert.Equal(2, typed.Count);
        Assert.Equal(2, fromRaw.Count);
    }

    [Fact]
    public void Read_TooManyInputs_Is413_AndTooManyDimensionsIsNamed()
    {
        var wide = new ModelInferRequest { ModelName = "breast-cancer" };
        wide.Inputs.AddRange(Enumerable.Range(0, Shipyard.Http.Apis.InferBody.MaxInputs + 1).Select(_ => new ModelInferRequest.Types.InferInputTensor()));
        var deep = new ModelInferRequest { ModelName = "breast-cancer" };
        deep.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "mean_radius", Datatype = "FP32", Shape = { Enumerable.Repeat(1L, 100_000) } });

        var tooWide = GrpcInferRequestReader.Read(wide.ToByteArray(), MaxRows);
        var tooDeep = GrpcInferRequestReader.Read(deep.ToByteArray(), MaxRows);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, tooWide.Problem?.StatusCode);
        Assert.Equal("inputs: 65537 tensors exceed the limit of 65536 per request; send the model's features as one [N, F] tensor.", Assert.Single(tooWide.Problem!.Errors));
        Assert.Equal("inputs[0].shape: has 100000 dimensions; a tensor has at most 64 (Shipyard's inputs take [N] or [N, F]).", Assert.Single(tooDeep.Problem!.Errors));
    }

    /// <summary>The message a generated client builds: two features, one row, a request key and a requested output.</summary>
    private static ModelInferRequest Generated()
    {
        var request = new ModelInferRequest { ModelName = "breast-cancer", ModelVersion = "1", Id = "r1" };
        request.Parameters["request_key"] = new InferParameter { StringParam = "k1" };
        request.Inputs.Add(Input("mean_radius", "FP32", new InferTensorContents { Fp32Contents = { 12.5f } }, 1));
        request.Inputs.Add(Input("mean_texture", "FP32", new InferTensorContents { Fp32Contents = { 20.25f } }, 1));
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "label" });
        return request;
    }

    private static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, InferTensorContents? contents, long rows = 2) =>
        new() { Name = name, Datatype = datatype, Shape = { rows }, Contents = contents };

    /// <summary>An FP32 tensor of shape [1] holding <paramref name="value"/>, its fields written last to first when <paramref name="reverse"/>.</summary>
    private static byte[] Tensor(string name, float value, bool reverse) => Message(t =>
    {
        var fields = new List<Action>
        {
            () => Strings(t, (1, name)),
            () => Strings(t, (2, "FP32")),
            () => Packed(t, 3, w => w.WriteInt64(1)),
            () => Field(t, 5, Message(c => Packed(c, 6, w => w.WriteFloat(value)))),
        };
        if (reverse)
        {
            fields.Reverse();
        }

        fields.ForEach(f => f());
    });

    /// <summary>One unknown field of each wire type (varint, fixed64, length-delimited, fixed32).</summary>
    private static void Unknown(CodedOutputStream m)
    {
        m.WriteTag(1000, WireFormat.WireType.Varint);
        m.WriteUInt64(ulong.MaxValue);
        m.WriteTag(1001, WireFormat.WireType.Fixed64);
        m.WriteFixed64(42);
        m.WriteTag(1002, WireFormat.WireType.LengthDelimited);
        m.WriteBytes(ByteString.CopyFrom(0xFF, 0x00, 0x12));
        m.WriteTag(1003, WireFormat.WireType.Fixed32);
        m.WriteFixed32(7);
    }

    private static byte[] Message(Action<CodedOutputStream> build)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        build(output);
        output.Flush();
        return stream.ToArray();
    }

    private static void Field(CodedOutputStream m, int field, byte[] body)
    {
        m.WriteTag(field, WireFormat.WireType.LengthDelimited);
        m.WriteBytes(ByteString.CopyFrom(body));
    }

    private static void Strings(CodedOutputStream m, params (int Field, string Text)[] fields)
    {
        foreach (var (field, text) in fields)
        {
            m.WriteTag(field, WireFormat.WireType.LengthDelimited);
            m.WriteString(text);
        }
    }

    private static void Packed(CodedOutputStream m, int field, Action<CodedOutputStream> values) => Field(m, field, Message(values));

    /// <summary>Where the <paramref name="occurrence"/>-th (0-based) top-level field <paramref name="field"/> of <paramref name="message"/> ends.</summary>
    /// <summary>Where each top-level field of <paramref name="message"/> ends (and 0), read with Google.Protobuf.</summary>
    private static HashSet<int> FieldBoundaries(byte[] message)
    {
        var input = new CodedInputStream(message);
        var ends = new HashSet<int> { 0 };
        while (input.ReadTag() != 0)
        {
            input.SkipLastField();
            ends.Add((int)input.Position);
        }

        return ends;
    }

    private static int FieldEnd(byte[] message, int field, int occurrence)
    {
        var input = new CodedInputStream(message);
        var seen = 0;
        while (input.ReadTag() is var tag and not 0)
        {
            input.SkipLastField();
            if (WireFormat.GetTagFieldNumber(tag) == field && seen++ == occurrence)
            {
                return (int)input.Position;
            }
        }

        throw new ArgumentException($"no field {field} #{occurrence}");
    }

    /// <summary>A read request as one line: model, version, id, request key, raw outputs, each input's name, datatype, shape and elements, the outputs.</summary>
    private static string Describe(GrpcInferCall call)
    {
        Assert.Null(call.Malformed);
        Assert.Null(call.Problem);
        var request = call.Request!;
        var parts = new List<string> { $"model {call.ModelName} v{call.ModelVersion} id {request.Id} key {call.RequestKey} raw {call.RawOutputs}" };
        parts.AddRange(request.Inputs.Select(i => $"{i.Name} {i.Datatype} [{string.Join(",", i.Shape)}] {Values(i.Values!)}"));
        if (request.Outputs is { } outputs)
        {
            parts.Add("outputs " + string.Join(",", outputs.Select(o => o.Name)));
        }

        return string.Join(" | ", parts);
    }

    private static string Values(InferTensorValues values) =>
        values.Numbers is { } numbers ? string.Join(" ", numbers.Select(n => n.ToString("R", CultureInfo.InvariantCulture)))
        : values.Integers is { } integers ? string.Join(" ", integers.Select(n => n.ToString(CultureInfo.InvariantCulture)))
        : string.Join(" ", values.Texts!.Select(t => $"'{t}'"));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
