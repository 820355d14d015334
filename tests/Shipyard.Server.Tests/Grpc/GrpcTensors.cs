using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Inference;
using Shipyard.Testing;

namespace Shipyard.Server.Tests.Grpc;

/// <summary>Sample rows as Open Inference Protocol requests (one FP32 tensor per feature) over gRPC and REST, and outputs read back.</summary>
internal static class GrpcTensors
{
    /// <summary>The samples as a gRPC request: typed <c>fp32_contents</c>, or <c>raw_input_contents</c> when <paramref name="rawInputs"/>.</summary>
    public static ModelInferRequest Request(SampleCases samples, bool rawInputs, bool rawOutputs = false)
    {
        var request = new ModelInferRequest { ModelName = samples.Model, ModelVersion = samples.Version, Id = "samples" };
        foreach (var feature in samples.Features)
        {
            var values = samples.Cases.Select(c => (float)(double)c.Instance[feature]).ToArray();
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = feature, Datatype = "FP32", Shape = { values.Length } };
            if (rawInputs)
            {
                request.RawInputContents.Add(ByteString.CopyFrom(Fp32Bytes(values)));
            }
            else
            {
                tensor.Contents = new InferTensorContents { Fp32Contents = { values } };
            }

            request.Inputs.Add(tensor);
        }

        if (rawOutputs)
        {
            request.Parameters["binary_data_output"] = new InferParameter { BoolParam = true };
        }

        return request;
    }

    /// <summary>The same samples as a REST infer body.</summary>
    public static JsonContent RestBody(SampleCases samples) => JsonContent.Create(new
    {
        id = "samples",
        inputs = samples.Features.Select(f => new
        {
            name = f,
            shape = new[] { samples.Cases.Count },
            datatype = "FP32",
            data = samples.Cases.Select(c => (float)(double)c.Instance[f]).ToArray(),
        }).ToArray(),
    });

    /// <summary>Each output of a gRPC answer as "name datatype [shape] elements…" (floats as round-trip text), from typed or raw contents.</summary>
    public static List<string> Outputs(ModelInferResponse response)
    {
        var outputs = new List<string>();
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var tensor = response.Outputs[i];
            var data = response.RawOutputContents.Count > 0
                ? FromRaw(tensor.Datatype, response.RawOutputContents[i].Span)
                : tensor.Datatype == "BYTES"
                    ? tensor.Contents.BytesContents.Select(b => b.ToStringUtf8()).ToArray()
                    : tensor.Contents.Fp32Contents.Select(Text).ToArray();
            outputs.Add(Describe(tensor.Name, tensor.Datatype, tensor.Shape, data));
        }

        return outputs;
    }

    /// <summary>Each output of a REST answer, as <see cref="Outputs(ModelInferResponse)"/> gives it.</summary>
    public static List<string> Outputs(JsonElement response) =>
        [.. response.GetProperty("outputs").EnumerateArray().Select(o => Describe(
            o.GetProperty("name").GetString()!,
            o.GetProperty("datatype").GetString()!,
            o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()),
            [.. o.GetProperty("data").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : Text(v.GetSingle()))]))];

    private static string Describe(string name, string datatype, IEnumerable<long> shape, string[] data) =>
        $"{name} {datatype} [{string.Join(",", shape)}] {string.Join(" ", data)}";

    public static byte[] Fp32Bytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static string[] FromRaw(string datatype, ReadOnlySpan<byte> bytes)
    {
        var result = new List<string>();
        if (datatype == "BYTES")
        {
            while (bytes.Length > 0)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
                result.Add(System.Text.Encoding.UTF8.GetString(bytes.Slice(4, length)));
                bytes = bytes[(4 + length)..];
            }
        }
        else
        {
            for (var offset = 0; offset < bytes.Length; offset += 4)
            {
                result.Add(Text(BinaryPrimitives.ReadSingleLittleEndian(bytes[offset..])));
            }
        }

        return [.. result];
    }

    // Floats compared exactly, by their round-trip text.
    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
