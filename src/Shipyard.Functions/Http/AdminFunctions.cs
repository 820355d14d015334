using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Shipyard.Http.Apis;
using Shipyard.Http.Bodies;
using Shipyard.Http.Hosting;
using Shipyard.Models;

namespace Shipyard.Functions.Http;

/// <summary>
/// Registry administration (<see cref="AdminApi"/>), authLevel Admin: the host lets only the master key through.
/// Templates start with <c>api/</c>: the host refuses a route starting with <c>admin</c> (its own built-in routes).
/// </summary>
public sealed class AdminFunctions(ModelRegistry registry, JsonRequestReader reader, IOptionsMonitor<HttpServerOptions> options)
{
    /// <summary><c>PUT /api/admin/models/{name}/versions/{version}</c>: upload a package (zip).</summary>
    [Function("UploadVersion")]
    public async Task<IResult> UploadVersion(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "api/admin/models/{name}/versions/{version}")] HttpRequest request, string name, string version) =>
        await AdminApi.UploadVersionAsync(name, version, request, registry, options).ConfigureAwait(false);

    /// <summary><c>POST /api/admin/models/{name}/promote</c>.</summary>
    [Function("Promote")]
    public async Task<IResult> Promote(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/admin/models/{name}/promote")] HttpRequest request, string name) =>
        await AdminApi.PromoteAsync(name, request, registry, reader).ConfigureAwait(false);

    /// <summary><c>PUT /api/admin/models/{name}/routing</c>.</summary>
    [Function("SetRouting")]
    public async Task<IResult> SetRouting(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "api/admin/models/{name}/routing")] HttpRequest request, string name) =>
        await AdminApi.SetRoutingAsync(name, request, registry, reader).ConfigureAwait(false);

    /// <summary><c>POST /api/admin/models/{name}/rollback</c>.</summary>
    [Function("Rollback")]
    public async Task<IResult> Rollback(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/admin/models/{name}/rollback")] HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await AdminApi.RollbackAsync(name, registry, request.HttpContext).ConfigureAwait(false);
    }
}
