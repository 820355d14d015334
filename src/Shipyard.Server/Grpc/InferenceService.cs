using Grpc.Core;
using Inference;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Shipyard.Http.Apis;
using Shipyard.Http.Errors;
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
/// (policy set where the service is mapped) and draw from the caller's and the model's rate-limit buckets. Its calls are
/// bound by <see cref="InferenceServiceMethods"/> (with the attributes of these methods as endpoint metadata); one
/// instance serves every call.
/// </summary>
internal sealed class InferenceService(ModelRegistry registry, PredictionService predictions, ModelRateLimiter models)
{
    /// <summary>True while the process answers.</summary>
    [AllowAnonymous]
    [DisableRateLimiting]
    public static Task<ServerLiveResponse> ServerLive() =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    /// <summary>True once the registry's initial load is done (REST answers 503 before that; gRPC answers <c>ready: false</c>).</summary>
    [AllowAnonymous]
    [DisableRateLimiting]
    public Task<ServerReadyResponse> ServerReady() =>
        Task.FromResult(new ServerReadyResponse { Ready = registry.IsReady });

    /// <summary>Whether the version (default production) is ready; NotFound for an unknown model or version.</summary>
    public Task<ModelReadyResponse> ModelReady(ModelReadyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var lease = Limit(request.Name);
        var (_, selected, problem) = KServeModels.Resolve(request.Name, VersionOrNull(request.Version), registry);
        ThrowIf(problem);
        return Task.FromResult(new ModelReadyResponse { Ready = selected!.State == ModelVersionState.Ready });
    }

    /// <summary>Server name, version and extensions (as <c>GET /v2</c>).</summary>
    public static Task<ServerMetadataResponse> ServerMetadata() =>
        Task.FromResult(new ServerMetadataResponse { Name = KServeModels.ServerName, Version = KServeModels.ServerVersion });

    /// <summary>A model's ready versions, platform and tensors (as <c>GET /v2/models/{name}</c>).</summary>
    public Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request)
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
    /// the <c>x-request-key</c> metadata), as <c>POST /v2/models/{name}[/versions/{v}]/infer</c>. The request was read off
    /// the wire by <see cref="GrpcInferRequestReader"/>; its problems are thrown here, in the order REST meets them.</summary>
    public async Task<GrpcInferOutput> ModelInfer(GrpcInferCall call, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        if (call.Malformed is { } malformed)
        {
            throw malformed;
        }

        var version = VersionOrNull(call.ModelVersion);
        if (!RouteChecks.IsValid(call.ModelName, version))
        {
            throw RequestRejectedException.Invalid(RouteChecks.Check(call.ModelName, version));
        }

        using var lease = Limit(call.ModelName);
        if (call.Problem is { } problem)
        {
            throw problem;
        }

        var requestKey = KServeRequestKey.Pick(call.RequestKey, RequestKeyHeader(context));
        var response = await predictions.InferAsync(call.ModelName, version, call.Request!, requestKey, context.CancellationToken).ConfigureAwait(false);
        return new GrpcInferOutput(response, call.RawOutputs);
    }

    /// <summary>The <c>x-request-key</c> metadata (REST's <c>X-Request-Key</c> header: metadata are HTTP/2 headers; the last
    /// one, as <see cref="Metadata.GetValue"/> gives it), read from the HTTP/2 headers: <see cref="ServerCallContext.RequestHeaders"/>
    /// would copy every header into a new collection per call.</summary>
    private static string? RequestKeyHeader(ServerCallContext context)
    {
        var values = context.GetHttpContext().Request.Headers[PredictApi.RequestKeyHeader];
        return values.Count > 0 ? values[values.Count - 1] : null;
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
