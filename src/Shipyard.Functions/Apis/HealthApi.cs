using Microsoft.AspNetCore.Http.HttpResults;
using Shipyard.Functions.Apis.Contracts;
using Shipyard.Models;

namespace Shipyard.Functions.Apis;

/// <summary><c>GET /api/health</c>: liveness and readiness in one (200 when the models are loaded, 503 while loading). No key needed.</summary>
public static class HealthApi
{
    /// <summary>Maps the health route.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", GetHealth)
            .WithName("GetHealth")
            .WithTags("Health")
            .AllowAnonymous()
            .DisableRateLimiting();
        return app;
    }

    /// <summary>200 with every model's version states once the registry has loaded; 503 (Retry-After) before.</summary>
    public static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> GetHealth(ModelRegistry registry, HttpResponse response)
    {
        if (!registry.IsReady)
        {
            response.Headers.RetryAfter = "1";
            return TypedResults.Json(new HealthResponse("loading", []), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var models = registry.List()
            .Select(m => new HealthModel(m.Name, m.Routing.Production, m.Versions.ToDictionary(v => v.Version, v => v.State)))
            .ToArray();
        return TypedResults.Ok(new HealthResponse("ready", models));
    }
}
