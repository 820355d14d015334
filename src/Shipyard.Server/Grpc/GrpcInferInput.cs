using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>A gRPC infer request as the domain reads it (<see cref="GrpcInferRequestReader"/>).</summary>
/// <param name="Request">The request for <see cref="PredictionService.InferAsync"/>.</param>
/// <param name="RawOutputs">Whether the answer carries <c>raw_output_contents</c> instead of typed contents.</param>
internal sealed record GrpcInferInput(InferRequest Request, bool RawOutputs);
