using System.Text.Json;
using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>A gRPC infer request as the domain reads it (<see cref="GrpcInferRequestReader"/>); owns the JSON document its tensors' data live in.</summary>
internal sealed class GrpcInferInput(InferRequest request, JsonDocument data, bool rawOutputs) : IDisposable
{
    /// <summary>The request for <see cref="PredictionService.InferAsync"/>.</summary>
    public InferRequest Request { get; } = request;

    /// <summary>Whether the answer carries <c>raw_output_contents</c> instead of typed contents.</summary>
    public bool RawOutputs { get; } = rawOutputs;

    /// <inheritdoc />
    public void Dispose() => data.Dispose();
}
