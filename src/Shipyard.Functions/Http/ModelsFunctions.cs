using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Shipyard.Http.Apis;
using Shipyard.Models;
using Shipyard.Storage;

namespace Shipyard.Functions.Http;

/// <summary>The model read routes (function key): <see cref="ModelsApi"/>, <see cref="DriftApi"/> and KServe model metadata.</summary>
public sealed class ModelsFunctions(ModelRegistry registry, IBlobStore store)
{
    /// <summary><c>GET /api/models</c>.</summary>
    [Function("ListModels")]
    public IResult ListModels([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/models")] HttpRequest request) =>
        ModelsApi.ListModels(registry);

    /// <summary><c>GET /api/models/{name}</c>.</summary>
    [Function("GetModel")]
    public IResult GetModel([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/models/{name}")] HttpRequest request, string name) =>
        ModelsApi.GetModel(name, registry);

    /// <summary><c>GET /api/models/{name}/drift[?version=V]</c>.</summary>
    [Function("GetLatestDriftReport")]
    public async Task<IResult> GetLatestDriftReport(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/models/{name}/drift")] HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await DriftApi.GetLatestReport(name, VersionQuery(request), registry, store, request.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/models/{name}/drift/latest.html[?version=V]</c>.</summary>
    [Function("GetLatestDriftReportHtml")]
    public async Task<IResult> GetLatestDriftReportHtml(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/models/{name}/drift/latest.html")] HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await DriftApi.GetLatestReportHtml(name, VersionQuery(request), registry, store, request.HttpContext, request.HttpContext.RequestAborted)
            .ConfigureAwait(false);
    }

    /// <summary><c>GET /v2</c>: server metadata.</summary>
    [Function("KServeServerMetadata")]
    public static IResult ServerMetadata([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2")] HttpRequest request) =>
        KServeApi.ServerMetadata();

    /// <summary><c>GET /v2/models/{name}</c>.</summary>
    [Function("KServeModelMetadata")]
    public IResult ModelMetadata([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{name}")] HttpRequest request, string name) =>
        KServeApi.ModelMetadata(name, null, registry);

    /// <summary><c>GET /v2/models/{name}/versions/{version}</c>.</summary>
    [Function("KServeModelVersionMetadata")]
    public IResult ModelVersionMetadata(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{name}/versions/{version}")] HttpRequest request, string name, string version) =>
        KServeApi.ModelMetadata(name, version, registry);

    /// <summary><c>GET /v2/models/{name}/ready</c>.</summary>
    [Function("KServeModelReady")]
    public IResult ModelReady([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{name}/ready")] HttpRequest request, string name) =>
        KServeApi.ModelReady(name, null, registry);

    /// <summary><c>GET /v2/models/{name}/versions/{version}/ready</c>.</summary>
    [Function("KServeModelVersionReady")]
    public IResult ModelVersionReady(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{name}/versions/{version}/ready")] HttpRequest request, string name, string version) =>
        KServeApi.ModelReady(name, version, registry);

    // The server binds ?version= as an optional string parameter; an empty value means none there too.
    private static string? VersionQuery(HttpRequest request) =>
        request.Query["version"].ToString() is { Length: > 0 } version ? version : null;
}
