using Microsoft.AspNetCore.Http.HttpResults;
using Shipyard.Http.Apis.Contracts;
using Shipyard.Http.Errors;
using Shipyard.Http.Forwarding;
using Shipyard.Http.Bodies;
using Shipyard.Http.Security;
using Shipyard.Models;
using Shipyard.Scoring;

namespace Shipyard.Http.Apis;

/// <summary>
/// The KServe v2 / Open Inference Protocol REST surface (https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol):
/// server liveness/readiness/metadata, model metadata and readiness, and tensor inference, each with an optional
/// <c>/versions/{version}</c> (without it: the production version). Errors are problem+json with an extra <c>error</c>
/// member, the protocol's error field.
/// </summary>
public static class KServeApi
{
    /// <summary>Maps the <c>/v2</c> routes.</summary>
    public static IEndpointRouteBuilder MapKServeApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("KServe v2");
        v2.MapGet("/health/live", Live).WithName("KServeLive").AllowAnonymous().DisableRateLimiting();
        v2.MapGet("/health/ready", ServerReady).WithName("KServeReady").AllowAnonymous().DisableRateLimiting();

        var authorized = v2.MapGroup(string.Empty).RequireAuthorization(ShipyardRoles.CallerPolicy);
        authorized.MapGet("/", ServerMetadata).WithName("KServeServerMetadata");
        authorized.MapGet("/models/{name}", (string name, ModelRegistry registry) => ModelMetadata(name, null, registry)).WithName("KServeModelMetadata");
        authorized.MapGet("/models/{name}/versions/{version}", ModelMetadata).WithName("KServeModelVersionMetadata");
        authorized.MapGet("/models/{name}/ready", (string name, ModelRegistry registry) => ModelReady(name, null, registry)).WithName("KServeModelReady");
        authorized.MapGet("/models/{name}/versions/{version}/ready", ModelReady).WithName("KServeModelVersionReady");
        authorized.MapPost("/models/{name}/infer", (string name, [AsParameters] PredictDependencies d) => InferAsync(name, null, d)).WithName("KServeInfer").WithInferMetadata().WithGpuForwarding(app);
        authorized.MapPost("/models/{name}/versions/{version}/infer", InferAsync).WithName("KServeVersionInfer").WithInferMetadata().WithGpuForwarding(app);
        return app;
    }

    /// <summary><c>{"live":true}</c> while the process answers.</summary>
    public static Ok<KServeLiveResponse> Live() => TypedResults.Ok(new KServeLiveResponse(true));

    /// <summary>200 <c>{"ready":true}</c> once the registry's initial load is done, else 503 problem+json naming the models still loading (as <c>/api/health</c>).</summary>
    public static Results<JsonHttpResult<KServeReadyResponse>, ProblemHttpResult> ServerReady(ModelRegistry registry, HttpResponse response) =>
        registry.IsReady
            ? TypedResults.Json(new KServeReadyResponse(null, true), statusCode: 200)
            : HealthApi.NotReady(registry, response);

    /// <summary>Server name, version and extensions.</summary>
    public static Ok<KServeServerMetadata> ServerMetadata() => TypedResults.Ok(new KServeServerMetadata(KServeModels.ServerName, KServeModels.ServerVersion, []));

    /// <summary>Model metadata: name, ready versions, platform <c>onnx</c>, input tensors (one per feature) and outputs.</summary>
    public static Results<Ok<KServeModelMetadata>, ProblemHttpResult> ModelMetadata(string name, string? version, ModelRegistry registry)
    {
        var (model, selected, problem) = KServeModels.Resolve(name, version, registry);
        if (problem is not null)
        {
            return ToResult(problem);
        }

        var (metadata, failed) = KServeModels.Metadata(model!, selected!);
        return failed is not null ? ToResult(failed) : TypedResults.Ok(metadata!);
    }

    /// <summary>200 <c>{"name","ready":true}</c> when the (production or given) version is ready, 503 with <c>ready:false</c> otherwise, 404 when unknown.</summary>
    public static Results<JsonHttpResult<KServeReadyResponse>, ProblemHttpResult> ModelReady(string name, string? version, ModelRegistry registry)
    {
        var (_, selected, problem) = KServeModels.Resolve(name, version, registry);
        if (problem is not null)
        {
            return ToResult(problem);
        }

        var ready = selected!.State == ModelVersionState.Ready;
        return TypedResults.Json(new KServeReadyResponse(name, ready), statusCode: ready ? 200 : 503);
    }

    /// <summary>Runs an infer request on the (production or given) version.</summary>
    public static async Task<Results<SerializedOk<InferResponse>, ProblemHttpResult>> InferAsync(string name, string? version, [AsParameters] PredictDependencies dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        if (RouteChecks.Problem(name, version) is { } invalid)
        {
            return invalid;
        }

        var http = dependencies.HttpContext;
        // Parsed in place over the server's buffers, as predict reads them; the document is disposed before the buffers.
        using var buffered = await dependencies.Reader.BufferAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        using var body = dependencies.Reader.Parse(buffered.Data);
        var parsed = InferBody.Parse(body.RootElement, dependencies.Reader.Options.MaxInstancesPerRequest);
        var requestKey = KServeRequestKey.Pick(parsed.RequestKey, http.Request.Headers[PredictApi.RequestKeyHeader].ToString());
        var response = await dependencies.Predictions.InferAsync(name, version, parsed.Request, requestKey, http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers[PredictApi.ModelVersionHeader] = response.ModelVersion;
        return SerializedOk.Of(response);
    }

    private static ProblemHttpResult ToResult(KServeProblem problem) => Problems.Create(problem.Status, problem.Title, problem.Detail, problem.Errors);

    private static RouteHandlerBuilder WithInferMetadata(this RouteHandlerBuilder builder) => builder
        .Accepts<InferRequest>("application/json")
        .WithScoringProblems();
}
