using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Inference;
using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>
/// Writes the domain's <see cref="InferResponse"/> (the answer REST serializes as JSON) as a gRPC <c>ModelInferResponse</c>:
/// the same model, version, id, parameters (string parameters: <c>predictionIds</c>) and output tensors. Elements go in the contents field of their datatype (BYTES:
/// <c>bytes_contents</c> as UTF-8, FP32: <c>fp32_contents</c>, …) or, when the caller asked
/// (<see cref="GrpcInferRequestReader"/>), in <c>raw_output_contents</c>: one entry per output, little-endian, BYTES elements
/// each a 4-byte little-endian length and the UTF-8 text (the protocol's raw layout).
/// </summary>
internal static class GrpcInferResponseWriter
{
    /// <summary>The gRPC answer for <paramref name="response"/>.</summary>
    public static ModelInferResponse Write(InferResponse response, bool raw)
    {
        ArgumentNullException.ThrowIfNull(response);
        var message = new ModelInferResponse { ModelName = response.ModelName, ModelVersion = response.ModelVersion, Id = response.Id ?? "" };
        if (response.Parameters is { } parameters)
        {
            // The REST answer's parameters (predictionIds), as the protocol's string parameters.
            foreach (var (name, value) in parameters)
            {
                message.Parameters[name] = new InferParameter { StringParam = value };
            }
        }

        foreach (var output in response.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Datatype };
            tensor.Shape.AddRange(output.Shape);
            if (raw)
            {
                message.RawOutputContents.Add(Raw(output.Data));
            }
            else
            {
                tensor.Contents = Contents(output.Data);
            }

            message.Outputs.Add(tensor);
        }

        return message;
    }

    private static InferTensorContents Contents(object data)
    {
        var contents = new InferTensorContents();
        switch (data)
        {
            case float[] floats:
                contents.Fp32Contents.AddRange(floats);
                break;
            case double[] doubles:
                contents.Fp64Contents.AddRange(doubles);
                break;
            case long[] longs:
                contents.Int64Contents.AddRange(longs);
                break;
            case string[] texts:
                foreach (var text in texts)
                {
                    contents.BytesContents.Add(ByteString.CopyFromUtf8(text));
                }

                break;
            default:
                throw new InvalidOperationException($"An output tensor holds {data.GetType()}, which the gRPC writer does not know.");
        }

        return contents;
    }

    private static ByteString Raw(object data)
    {
        switch (data)
        {
            case float[] floats:
            {
                var bytes = new byte[floats.Length * sizeof(float)];
                for (var i = 0; i < floats.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), floats[i]);
                }

                return UnsafeByteOperations.UnsafeWrap(bytes);
            }

            case double[] doubles:
            {
                var bytes = new byte[doubles.Length * sizeof(double)];
                for (var i = 0; i < doubles.Length; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), doubles[i]);
                }

                return UnsafeByteOperations.UnsafeWrap(bytes);
            }

            case long[] longs:
            {
                var bytes = new byte[longs.Length * sizeof(long)];
                for (var i = 0; i < longs.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), longs[i]);
                }

                return UnsafeByteOperations.UnsafeWrap(bytes);
            }

            case string[] texts:
            {
                var bytes = new byte[texts.Sum(t => 4 + Encoding.UTF8.GetByteCount(t))];
                var offset = 0;
                foreach (var text in texts)
                {
                    var length = Encoding.UTF8.GetBytes(text, bytes.AsSpan(offset + 4));
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), length);
                    offset += 4 + length;
                }

                return UnsafeByteOperations.UnsafeWrap(bytes);
            }

            default:
                throw new InvalidOperationException($"An output tensor holds {data.GetType()}, which the gRPC writer does not know.");
        }
    }
}
