using Microsoft.AspNetCore.Http.HttpResults;
using Shipyard.Http.Apis.Contracts;
using Shipyard.Http.Errors;
using Shipyard.Http.Security;
using Shipyard.Models;

namespace Shipyard.Http.Apis;

/// <summary><c>GET /api/models</c>, <c>GET /api/models/{name}</c>: models, versions, routing, manifests.</summary>
public static class ModelsApi
{
    /// <summary>Maps the model read routes (function or admin key).</summary>
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("Models").RequireAuthorization(ShipyardRoles.CallerPolicy);
        models.MapGet("/", ListModels).WithName("ListModels");
        models.MapGet("/{name}", GetModel).WithName("GetModel")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Every model, ordered by name.</summary>
    public static Ok<ModelListResponse> ListModels(ModelRegistry registry) =>
        TypedResults.Ok(new ModelListResponse([.. registry.List().Select(ModelResponse.From)]));

    /// <summary>One model with its routing and versions; 404 when unknown.</summary>
    public static Results<Ok<ModelResponse>, ProblemHttpResult> GetModel(string name, ModelRegistry registry)
    {
        if (RouteChecks.Problem(name) is { } invalid)
        {
            return invalid;
        }

        return registry.Find(name) is { } model
            ? TypedResults.Ok(ModelResponse.From(model))
            : Problems.NotFound($"Model '{name}' was not found.");
    }
}
