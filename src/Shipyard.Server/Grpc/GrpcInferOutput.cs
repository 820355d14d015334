using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>A <c>ModelInfer</c> answer as <see cref="GrpcInferResponseWriter"/> writes it.</summary>
/// <param name="Response">The domain's answer, the one REST writes as JSON.</param>
/// <param name="Raw">Whether the outputs go in <c>raw_output_contents</c> (the caller asked) instead of typed contents.</param>
internal sealed record GrpcInferOutput(InferResponse Response, bool Raw);
