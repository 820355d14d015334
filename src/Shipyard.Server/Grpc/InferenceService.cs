using Grpc.Core;
using Inference;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Shipyard.Http.Apis;
using Shipyard.Http.Errors;
using Shipyard.Http.Hosting;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Server.RateLimiting;

namespace Shipyard.Server.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c>, the KServe v2 / Open Inference Protocol over gRPC, answering as the REST
/// <c>/v2</c> routes do (<see cref="KServeApi"/>): lookups from <see cref="KServeModels"/>, inference through
/// <see cref="PredictionService.InferAsync"/> (same registry, aliases, canary and shadow routing, validation, limits and
/// prediction log), errors through <see cref="GrpcProblemInterceptor"/>. Liveness and readiness need no key and are not
/// rate-limited (as <c>/v2/health/*</c>); the other calls need a function key in the <c>x-functions-key</c> metadata
/// (policy set where the service is mapped) and draw from the caller's and the model's rate-limit buckets.
/// </summary>
internal sealed class InferenceService(ModelRegistry registry, PredictionService predictions, ModelRateLimiter models, IOptions<HttpServerOptions> http)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>The metadata that makes canary assignment sticky (REST: the <c>X-Request-Key</c> header).</summary>
    public const string RequestKeyMetadata = "x-request-key";

    private readonly int _maxRows = http.Value.MaxInstancesPerRequest;

    /// <summary>True while the process answers.</summary>
    [AllowAnonymous]
    [DisableRateLimiting]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    /// <summary>True once the registry's initial load is done (REST answers 503 before that; gRPC answers <c>ready: false</c>).</summary>
    [AllowAnonymous]
    [DisableRateLimiting]
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = registry.IsReady });

    /// <summary>Whether the version (default production) is ready; NotFound for an unknown model or version.</summary>
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var lease = Limit(request.Name);
        var (_, selected, problem) = KServeModels.Resolve(request.Name, VersionOrNull(request.Version), registry);
        ThrowIf(problem);
        return Task.FromResult(new ModelReadyResponse { Ready = selected!.State == ModelVersionState.Ready });
    }

    /// <summary>Server name, version and extensions (as <c>GET /v2</c>).</summary>
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = KServeModels.ServerName, Version = KServeModels.ServerVersion });

    /// <summary>A model's ready versions, platform and tensors (as <c>GET /v2/models/{name}</c>).</summary>
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var lease = Limit(request.Name);
        var (model, selected, problem) = KServeModels.Resolve(request.Name, VersionOrNull(request.Version), registry);
        ThrowIf(problem);
        var (metadata, failed) = KServeModels.Metadata(model!, selected!);
        ThrowIf(failed);
        var response = new ModelMetadataResponse { Name = metadata!.Name, Platform = metadata.Platform };
        response.Versions.AddRange(metadata.Versions);
        response.Inputs.AddRange(metadata.Inputs.Select(Tensor));
        response.Outputs.AddRange(metadata.Outputs.Select(Tensor));
        return Task.FromResult(response);
    }

    /// <summary>Inference on the given version, or the version routing picks (sticky by the <c>request_key</c> parameter or
    /// the <c>x-request-key</c> metadata), as <c>POST /v2/models/{name}[/versions/{v}]/infer</c>.</summary>
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var version = VersionOrNull(request.ModelVersion);
        var errors = RouteChecks.Check(request.ModelName, version);
        if (errors.Count > 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "One or more inputs are invalid.", errors);
        }

        using var lease = Limit(request.ModelName);
        var input = GrpcInferRequestReader.Read(request, _maxRows, context.RequestHeaders.GetValue(RequestKeyMetadata));
        var response = await predictions.InferAsync(request.ModelName, version, input.Request, input.RequestKey, context.CancellationToken).ConfigureAwait(false);
        return GrpcInferResponseWriter.Write(response, input.RawOutputs);
    }

    // The protocol's empty string is "no version": routing decides.
    private static string? VersionOrNull(string version) => version.Length > 0 ? version : null;

    private static void ThrowIf(KServeProblem? problem)
    {
        if (problem is not null)
        {
            throw GrpcProblemInterceptor.ToRpc(problem.Status, problem.Title, problem.Detail);
        }
    }

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(Http.Apis.Contracts.KServeTensorMetadata tensor)
    {
        var result = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.Datatype };
        result.Shape.AddRange(tensor.Shape);
        return result;
    }

    /// <summary>A token from the model's bucket (REST takes it in the rate limiter middleware from the route); ResourceExhausted when empty.</summary>
    private System.Threading.RateLimiting.RateLimitLease Limit(string model)
    {
        var lease = models.Limiter.AttemptAcquire(model);
        if (lease.IsAcquired)
        {
            return lease;
        }

        var seconds = RateLimitingServiceCollectionExtensions.RetryAfterSeconds(lease);
        lease.Dispose();
        throw new RpcException(
            new Status(StatusCode.ResourceExhausted, RateLimitingServiceCollectionExtensions.RejectedDetail(seconds)),
            new Metadata { { "retry-after", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
    }
}
