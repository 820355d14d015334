using Microsoft.AspNetCore.Http.HttpResults;
using Shipyard.Http.Apis.Contracts;
using Shipyard.Http.Errors;
using Shipyard.Models;

namespace Shipyard.Http.Apis;

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

    /// <summary>200 with every model's version states once the registry's initial load is done; before that 503
    /// problem+json (Retry-After) naming the models still loading. A version that failed to load does not hold back
    /// readiness: it shows as <c>failed</c> in the 200 answer.</summary>
    public static Results<Ok<HealthResponse>, ProblemHttpResult> GetHealth(ModelRegistry registry, HttpResponse response)
    {
        if (!registry.IsReady)
        {
            return NotReady(registry, response);
        }

        var models = registry.List()
            .Select(m => new HealthModel(m.Name, m.Routing.Production, m.Versions.ToDictionary(v => v.Version, v => v.State)))
            .ToArray();
        return TypedResults.Ok(new HealthResponse("ready", models));
    }

    /// <summary>The 503 answer while the registry loads: problem+json naming the models still loading, Retry-After 1.</summary>
    internal static ProblemHttpResult NotReady(ModelRegistry registry, HttpResponse response)
    {
        response.Headers.RetryAfter = "1";
        var loading = registry.LoadingModels();
        var detail = loading.Count == 0
            ? "The model registry is still scanning for models."
            : $"Models still loading: {string.Join(", ", loading)}.";
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Loading", detail, loading.Select(m => $"{m}: loading").ToArray());
    }
}
