using Shipyard.Http.Errors;
using Shipyard.Scoring;

namespace Shipyard.Server.Grpc;

/// <summary>
/// A gRPC <c>ModelInferRequest</c> as <see cref="GrpcInferRequestReader"/> read it off the wire: the model it names and
/// either the domain's request or the problem with it. Problems wait here for the service to throw them in the order REST
/// meets them: a message that is not valid protobuf before anything else (nothing in it can be trusted), a bad input after
/// the route checks and the model's rate limit, as a REST body is read after routing.
/// </summary>
internal sealed class GrpcInferCall
{
    /// <summary>The <c>model_name</c> field.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The <c>model_version</c> field; empty: routing picks the version.</summary>
    public string ModelVersion { get; init; } = "";

    /// <summary>The request for <see cref="PredictionService.InferAsync"/>; null when <see cref="Malformed"/> or <see cref="Problem"/> is set.</summary>
    public InferRequest? Request { get; init; }

    /// <summary>The <c>request_key</c> string parameter (sticky canary assignment), or null.</summary>
    public string? RequestKey { get; init; }

    /// <summary>Whether the answer carries <c>raw_output_contents</c> instead of typed contents.</summary>
    public bool RawOutputs { get; init; }

    /// <summary>The message is not valid protobuf (or a string in it not UTF-8): 400 naming where.</summary>
    public RequestRejectedException? Malformed { get; init; }

    /// <summary>The inputs are invalid on the wire (400 naming each) or have too many rows (413).</summary>
    public RequestRejectedException? Problem { get; init; }
}
