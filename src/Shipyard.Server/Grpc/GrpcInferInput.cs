using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>A gRPC infer request as the domain reads it (<see cref="GrpcInferRequestReader"/>).</summary>
/// <param name="Request">The request for <see cref="PredictionService.InferAsync"/>.</param>
/// <param name="RequestKey">The key that makes canary assignment sticky (<c>request_key</c> parameter, else <c>x-request-key</c> metadata), or null.</param>
/// <param name="RawOutputs">Whether the answer carries <c>raw_output_contents</c> instead of typed contents.</param>
internal sealed record GrpcInferInput(InferRequest Request, string? RequestKey, bool RawOutputs);
