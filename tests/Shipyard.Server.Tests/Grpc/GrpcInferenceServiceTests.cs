using System.Net;
using System.Net.Http.Json;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c> of the running server through a client generated from grpc_predict_v2.proto:
/// the same answers as the REST <c>/v2</c> routes, errors as gRPC statuses naming the bad input, keys as metadata.
/// </summary>
public sealed class GrpcInferenceServiceTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    /// <summary>Every bundled package with samples × how the tensors travel.</summary>
    public static TheoryData<string, string, string> PackagesAndEncodings()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (model, version) in SampleCases.Packages())
        {
            foreach (var encoding in new[] { "contents", "raw-inputs", "raw-outputs" })
            {
                data.Add(model, version, encoding);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PackagesAndEncodings))]
    public async Task ModelInfer_EverySample_EqualsTheRestAnswer(string model, string version, string encoding)
    {
        var samples = SampleCases.Load(model, version);
        using var rest = await server.Rest.PostAsync(new Uri(server.App.BaseAddress, $"/v2/models/{model}/versions/{version}/infer"), GrpcTensors.RestBody(samples));
        var restBody = await HttpAssert.OkJsonAsync(rest);

        var grpc = await server.Client.ModelInferAsync(GrpcTensors.Request(samples, rawInputs: encoding == "raw-inputs", rawOutputs: encoding == "raw-outputs"), GrpcServerFixture.Keyed());

        Assert.Equal((model, version, "samples"), (grpc.ModelName, grpc.ModelVersion, grpc.Id));
        Assert.Equal(encoding == "raw-outputs" ? grpc.Outputs.Count : 0, grpc.RawOutputContents.Count);
        Assert.All(grpc.Outputs, o => Assert.Equal(encoding != "raw-outputs", o.Contents is not null));
        Assert.Equal(GrpcTensors.Outputs(restBody), GrpcTensors.Outputs(grpc));

        // The same parameters: one prediction id per row (new ids per request, so their count and form are compared).
        var restIds = restBody.GetProperty("parameters").GetProperty("predictionIds").GetString()!.Split(',');
        var grpcIds = grpc.Parameters["predictionIds"].StringParam.Split(',');
        Assert.Equal(samples.Cases.Count, restIds.Length);
        Assert.Equal(restIds.Length, grpcIds.Length);
        Assert.Equal(restIds.Length, grpcIds.Distinct().Count());
        Assert.DoesNotContain(grpcIds, restIds.Contains);
        if (samples.Cases[0].ExpectedLabel is not null)
        {
            // And the training framework's own labels, so equal answers are also right answers.
            var labels = GrpcTensors.Outputs(grpc).Single(o => o.StartsWith("label ", StringComparison.Ordinal)).Split(' ')[3..];
            Assert.Equal(samples.Cases.Select(c => c.ExpectedLabel), labels);
        }
    }

    public static TheoryData<string, StatusCode, string> BadRequests() => new()
    {
        { "unknown-model", StatusCode.NotFound, "Model 'no-such-model' was not found." },
        { "unknown-version", StatusCode.NotFound, "Version '9' of model 'breast-cancer' was not found." },
        { "invalid-name", StatusCode.InvalidArgument, "name: 'Bad Name!' is not a valid model name" },
        { "shape", StatusCode.InvalidArgument, "inputs[0].shape: expected [N] or [N, 1] for feature 'mean_radius', got [1, 2]" },
        { "datatype", StatusCode.InvalidArgument, "inputs[0].datatype: expected a numeric datatype (FP32, FP64, INT64, …) for float feature 'mean_radius', got BYTES" },
        { "contents-field", StatusCode.InvalidArgument, "inputs[0].contents.int64_contents: datatype FP32 takes fp32_contents, but int64_contents holds 1 elements." },
        { "unknown-input", StatusCode.InvalidArgument, "inputs[0].name: unknown input 'bogus'" },
        { "missing-feature", StatusCode.InvalidArgument, "inputs: missing a tensor for required feature 'worst_fractal_dimension'" },
        { "element-count", StatusCode.InvalidArgument, "inputs[0].data: has more elements than the shape's 1" },
        { "nan", StatusCode.InvalidArgument, "expected a finite number within the float32 range" },
        { "raw-partial-element", StatusCode.InvalidArgument, "raw_input_contents[0]: 3 bytes are not whole FP32 elements of 4 bytes each." },
        { "raw-count", StatusCode.InvalidArgument, "raw_input_contents: has 1 entries, but there are 30 inputs" },
        { "raw-and-contents", StatusCode.InvalidArgument, "inputs[0].contents: must be empty when raw_input_contents is used" },
        { "bytes-not-utf8", StatusCode.InvalidArgument, "inputs[0].contents.bytes_contents[0]: not valid UTF-8 text" },
        { "unknown-output", StatusCode.InvalidArgument, "outputs[0].name: unknown output 'nope' (available: label, probabilities)" },
        { "too-many-rows", StatusCode.ResourceExhausted, "inputs[0].shape[0]: 1001 rows exceed the limit of 1000 per request" },
        { "request-key-type", StatusCode.InvalidArgument, "parameters.request_key: expected a string_param, got Int64Param." },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ModelInfer_BadInput_AnswersTheStatusAndNamesTheInput(string problem, StatusCode code, string message)
    {
        var request = GrpcTensors.Request(OneRow(), rawInputs: problem.StartsWith("raw", StringComparison.Ordinal));
        var first = request.Inputs[0];
        switch (problem)
        {
            case "unknown-model": request.ModelName = "no-such-model"; break;
            case "unknown-version": request.ModelVersion = "9"; break;
            case "invalid-name": request.ModelName = "Bad Name!"; break;
            case "shape": first.Shape.Add(2); break;
            case "datatype": first.Datatype = "BYTES"; first.Contents = new InferTensorContents { BytesContents = { ByteString.CopyFromUtf8("12.5") } }; break;
            case "contents-field": first.Contents = new InferTensorContents { Int64Contents = { 12 } }; break;
            case "unknown-input": first.Name = "bogus"; break;
            case "missing-feature": request.Inputs.RemoveAt(request.Inputs.Count - 1); break;
            case "element-count": first.Contents.Fp32Contents.Add(1f); break;
            case "nan": first.Contents.Fp32Contents[0] = float.NaN; break;
            case "raw-partial-element": request.RawInputContents[0] = ByteString.CopyFrom(1, 2, 3); break;
            case "raw-count": request.RawInputContents.RemoveAt(1); while (request.RawInputContents.Count > 1) { request.RawInputContents.RemoveAt(1); } break;
            case "raw-and-contents": first.Contents = new InferTensorContents { Fp32Contents = { 1f } }; break;
            case "bytes-not-utf8": first.Datatype = "BYTES"; first.Contents = new InferTensorContents { BytesContents = { ByteString.CopyFrom(0xff, 0xfe) } }; break;
            case "unknown-output": request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "nope" }); break;
            case "too-many-rows": first.Shape[0] = 1001; break;
            case "request-key-type": request.Parameters["request_key"] = new InferParameter { Int64Param = 7 }; break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed()).ResponseAsync);

        Assert.Equal(code, error.StatusCode);
        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);

        // The server keeps serving.
        var ok = await server.Client.ModelInferAsync(GrpcTensors.Request(OneRow(), rawInputs: false), GrpcServerFixture.Keyed());
        Assert.Equal(2, ok.Outputs.Count);
    }

    [Fact]
    public async Task ModelInfer_NotProtobuf_IsInvalidArgumentNamingWhere_AndTheServerKeepsServing()
    {
        var bytes = GrpcTensors.Request(OneRow(), rawInputs: false).ToByteArray();

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.AsyncUnaryCall(GrpcServerFixture.Raw("ModelInfer"), null, GrpcServerFixture.Keyed(), bytes[..^2]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("Not a valid ModelInferRequest message: inputs[29]: a field of ", error.Status.Detail, StringComparison.Ordinal);
        var ok = await server.Client.ModelInferAsync(GrpcTensors.Request(OneRow(), rawInputs: false), GrpcServerFixture.Keyed());
        Assert.Equal(2, ok.Outputs.Count);
    }

    [Fact]
    public async Task ModelInfer_MessageWrittenOtherwise_SameAnswer()
    {
        // The generated client's request, then the same written differently: tensors with their fields last to first,
        // elements unpacked, an unknown field in every message, the model name last.
        var request = GrpcTensors.Request(OneRow(), rawInputs: false);
        var expected = GrpcTensors.Outputs(await server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed()));
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var tensor in request.Inputs)
        {
            var contents = Written(c => { c.WriteTag(77, WireFormat.WireType.Fixed64); c.WriteFixed64(1); c.WriteTag(6, WireFormat.WireType.Fixed32); c.WriteFloat(tensor.Contents.Fp32Contents[0]); });
            output.WriteTag(5, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Written(t =>
            {
                t.WriteTag(5, WireFormat.WireType.LengthDelimited);
                t.WriteBytes(contents);
                t.WriteTag(3, WireFormat.WireType.Varint);
                t.WriteInt64(1);
                t.WriteTag(99, WireFormat.WireType.Varint);
                t.WriteInt64(-1);
                t.WriteTag(2, WireFormat.WireType.LengthDelimited);
                t.WriteString(tensor.Datatype);
                t.WriteTag(1, WireFormat.WireType.LengthDelimited);
                t.WriteString(tensor.Name);
            }));
        }

        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteString("samples");
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString("1");
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString("breast-cancer");
        output.Flush();

        var answer = await server.Invoker.AsyncUnaryCall(GrpcServerFixture.Raw("ModelInfer"), null, GrpcServerFixture.Keyed(), stream.ToArray()).ResponseAsync;

        var response = ModelInferResponse.Parser.ParseFrom(answer);
        Assert.Equal(("breast-cancer", "1", "samples"), (response.ModelName, response.ModelVersion, response.Id));
        Assert.Equal(expected, GrpcTensors.Outputs(response));
    }

    [Fact]
    public async Task OtherCalls_NotProtobuf_AreInvalidArgument_NamingTheMessage()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.AsyncUnaryCall(GrpcServerFixture.Raw("ModelReady"), null, GrpcServerFixture.Keyed(), [0x0A, 0x05, 0x62]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("Not a valid ModelReadyRequest message: ", error.Status.Detail, StringComparison.Ordinal);
    }

    private static ByteString Written(Action<CodedOutputStream> build)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        build(output);
        output.Flush();
        return ByteString.CopyFrom(stream.ToArray());
    }

    [Fact]
    public async Task ModelInfer_InvalidTensor_SameMessageAsRest()
    {
        var samples = OneRow();
        var request = GrpcTensors.Request(samples, rawInputs: false);
        request.Inputs[0].Shape.Add(2);
        var body = new
        {
            inputs = samples.Features.Select((f, i) => new { name = f, shape = i == 0 ? new[] { 1, 2 } : new[] { 1 }, datatype = "FP32", data = new[] { (double)samples.Cases[0].Instance[f] } }),
        };

        using var rest = await server.Rest.PostAsync(new Uri(server.App.BaseAddress, "/v2/models/breast-cancer/versions/1/infer"), JsonContent.Create(body));
        var problem = await HttpAssert.ProblemAsync(rest, HttpStatusCode.BadRequest);
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(problem.GetProperty("detail").GetString(), error.Status.Detail);
    }

    [Fact]
    public async Task ModelInfer_WithoutVersion_RoutesStickyByKey_AsRestDoes()
    {
        // breast-cancer's routing sends 10% to a canary (version 2): each key lands where REST sends the same key.
        var seen = new HashSet<string>();
        for (var i = 0; i < 100; i++)
        {
            var key = $"caller-{i}";
            using var restRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(server.App.BaseAddress, "/v2/models/breast-cancer/infer")) { Content = GrpcTensors.RestBody(OneRow()) };
            restRequest.Headers.Add("X-Request-Key", key);
            using var rest = await server.Rest.SendAsync(restRequest);
            var restVersion = (await HttpAssert.OkJsonAsync(rest)).GetProperty("model_version").GetString()!;

            var request = GrpcTensors.Request(OneRow(), rawInputs: false);
            request.ModelVersion = "";
            var byMetadata = await server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed(("x-request-key", key)));
            request.Parameters["request_key"] = new InferParameter { StringParam = key };
            var byParameter = await server.Client.ModelInferAsync(request, GrpcServerFixture.Keyed());

            Assert.Equal(restVersion, byMetadata.ModelVersion);
            Assert.Equal(restVersion, byParameter.ModelVersion);
            seen.Add(restVersion);
        }

        Assert.Equal(["1", "2"], seen.Order());
    }

    [Fact]
    public async Task Keys_MissingOrWrong_AreUnauthenticated_AsRestAnswers401()
    {
        using var anonymous = new HttpClient();
        using var rest = await anonymous.PostAsync(new Uri(server.App.BaseAddress, "/v2/models/breast-cancer/versions/1/infer"), GrpcTensors.RestBody(OneRow()));
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        var request = GrpcTensors.Request(OneRow(), rawInputs: false);

        var missing = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request, new Metadata { { "x-functions-key", "not-a-key" } }).ResponseAsync);
        var metadata = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "breast-cancer" }).ResponseAsync);

        Assert.Equal((StatusCode.Unauthenticated, "A key is required: send a function key in the x-functions-key metadata."), (missing.StatusCode, missing.Status.Detail));
        Assert.Equal((StatusCode.Unauthenticated, "The key sent in x-functions-key is not a valid key."), (wrong.StatusCode, wrong.Status.Detail));
        Assert.Equal(StatusCode.Unauthenticated, metadata.StatusCode);
    }

    [Fact]
    public async Task Health_LiveAndReady_WithoutKey()
    {
        var live = await server.Client.ServerLiveAsync(new ServerLiveRequest());
        var ready = await server.Client.ServerReadyAsync(new ServerReadyRequest());

        Assert.True(live.Live);
        Assert.True(ready.Ready);
    }

    [Fact]
    public async Task ModelReady_TrueForALoadedVersion_NotFoundForAnUnknownModel()
    {
        var production = await server.Client.ModelReadyAsync(new ModelReadyRequest { Name = "breast-cancer" }, GrpcServerFixture.Keyed());
        var pinned = await server.Client.ModelReadyAsync(new ModelReadyRequest { Name = "diabetes", Version = "1" }, GrpcServerFixture.Keyed());
        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelReadyAsync(new ModelReadyRequest { Name = "no-such-model" }, GrpcServerFixture.Keyed()).ResponseAsync);

        Assert.True(production.Ready);
        Assert.True(pinned.Ready);
        Assert.Equal((StatusCode.NotFound, "Model 'no-such-model' was not found."), (unknown.StatusCode, unknown.Status.Detail));
    }

    [Fact]
    public async Task ServerMetadata_EqualsRest()
    {
        var grpc = await server.Client.ServerMetadataAsync(new ServerMetadataRequest(), GrpcServerFixture.Keyed());
        using var rest = await server.Rest.GetAsync(new Uri(server.App.BaseAddress, "/v2"));
        var body = await HttpAssert.OkJsonAsync(rest);

        Assert.Equal(body.GetProperty("name").GetString(), grpc.Name);
        Assert.Equal("shipyard", grpc.Name);
        Assert.Equal(body.GetProperty("version").GetString(), grpc.Version);
        Assert.Equal(body.TryGetProperty("extensions", out var extensions) ? extensions.EnumerateArray().Select(e => e.GetString()) : [], grpc.Extensions);
    }

    [Theory]
    [InlineData("breast-cancer", "")]
    [InlineData("breast-cancer", "2")]
    [InlineData("digits", "1")]
    public async Task ModelMetadata_EqualsRest(string model, string version)
    {
        var grpc = await server.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = model, Version = version }, GrpcServerFixture.Keyed());
        using var rest = await server.Rest.GetAsync(new Uri(server.App.BaseAddress, version.Length == 0 ? $"/v2/models/{model}" : $"/v2/models/{model}/versions/{version}"));
        var body = await HttpAssert.OkJsonAsync(rest);

        static string Tensors(IEnumerable<(string Name, string Datatype, IEnumerable<long> Shape)> tensors) =>
            string.Join("; ", tensors.Select(t => $"{t.Name} {t.Datatype} [{string.Join(",", t.Shape)}]"));
        static IEnumerable<(string, string, IEnumerable<long>)> FromJson(System.Text.Json.JsonElement array) =>
            array.EnumerateArray().Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("datatype").GetString()!, t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())));

        Assert.Equal((body.GetProperty("name").GetString(), body.GetProperty("platform").GetString()), (grpc.Name, grpc.Platform));
        Assert.Equal(body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()), grpc.Versions);
        Assert.Equal(Tensors(FromJson(body.GetProperty("inputs"))), Tensors(grpc.Inputs.Select(t => (t.Name, t.Datatype, (IEnumerable<long>)t.Shape))));
        Assert.Equal(Tensors(FromJson(body.GetProperty("outputs"))), Tensors(grpc.Outputs.Select(t => (t.Name, t.Datatype, (IEnumerable<long>)t.Shape))));
    }

    [Fact]
    public void Start_PrintsTheGrpcAddress()
    {
        Assert.Contains($"gRPC (inference.GRPCInferenceService, HTTP/2 cleartext) listening on: {server.GrpcAddress.ToString().TrimEnd('/')}", server.App.Output, StringComparison.Ordinal);
    }

    private static SampleCases OneRow()
    {
        var samples = SampleCases.Load("breast-cancer", "1");
        return samples with { Cases = [samples.Cases[0]] };
    }
}
