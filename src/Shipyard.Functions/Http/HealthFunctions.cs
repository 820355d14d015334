using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Shipyard.Http.Apis;
using Shipyard.Models;

namespace Shipyard.Functions.Http;

/// <summary>Liveness and readiness, without a key (as the server's <see cref="HealthApi"/> and KServe health routes).</summary>
public sealed class HealthFunctions(ModelRegistry registry)
{
    /// <summary><c>GET /api/health</c>.</summary>
    [Function("GetHealth")]
    public IResult GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HealthApi.GetHealth(registry, request.HttpContext.Response);
    }

    /// <summary><c>GET /v2/health/live</c>.</summary>
    [Function("KServeLive")]
    public static IResult Live([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/live")] HttpRequest request) => KServeApi.Live();

    /// <summary><c>GET /v2/health/ready</c>.</summary>
    [Function("KServeReady")]
    public IResult Ready([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/ready")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return KServeApi.ServerReady(registry, request.HttpContext.Response);
    }
}
