using Microsoft.AspNetCore.Http.HttpResults;
using Shipyard.Http.Errors;
using Shipyard.Http.Forwarding;
using Shipyard.Http.Apis.Contracts;
using Shipyard.Http.Bodies;
using Shipyard.Http.Security;
using Shipyard.Scoring;

namespace Shipyard.Http.Apis;

/// <summary>
/// <c>POST /api/models/{name}/predict</c> (production, or a canary share of traffic; <c>X-Request-Key</c> makes the choice
/// sticky) and <c>POST /api/models/{name}/versions/{version}/predict</c> (pinned). Body <c>{"instances":[{…}]}</c>; answer
/// <c>{"model","version","predictions":[…]}</c> and header <c>X-Model-Version</c>.
/// </summary>
public static class PredictApi
{
    /// <summary>Header that makes canary assignment sticky for one caller.</summary>
    public const string RequestKeyHeader = "X-Request-Key";

    /// <summary>Header naming the version that answered.</summary>
    public const string ModelVersionHeader = "X-Model-Version";

    /// <summary>Maps the predict routes (function or admin key).</summary>
    public static IEndpointRouteBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models/{name}").WithTags("Predict").RequireAuthorization(ShipyardRoles.CallerPolicy);
        models.MapPost("/predict", Predict).WithName("Predict").WithPredictMetadata().WithGpuForwarding(app);
        models.MapPost("/versions/{version}/predict", PredictVersion).WithName("PredictVersion").WithPredictMetadata().WithGpuForwarding(app);
        return app;
    }

    /// <summary>Scores with the version routing picks (production or canary).</summary>
    public static Task<Results<SerializedOk<PredictionResponse>, ProblemHttpResult>> Predict(string name, [AsParameters] PredictDependencies dependencies) =>
        PredictCoreAsync(name, null, dependencies);

    /// <summary>Scores with an explicit version.</summary>
    public static Task<Results<SerializedOk<PredictionResponse>, ProblemHttpResult>> PredictVersion(string name, string version, [AsParameters] PredictDependencies dependencies) =>
        PredictCoreAsync(name, version, dependencies);

    private static async Task<Results<SerializedOk<PredictionResponse>, ProblemHttpResult>> PredictCoreAsync(string name, string? version, PredictDependencies dependencies)
    {
        if (RouteChecks.Problem(name, version) is { } invalid)
        {
            return invalid;
        }

        var http = dependencies.HttpContext;
        using var body = await dependencies.Reader.BufferAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var requestKey = http.Request.Headers[RequestKeyHeader].ToString();
        var response = await dependencies.Predictions.PredictAsync(
            new PredictionRequest
            {
                Model = name,
                Version = version,
                Instances = new PredictBodyInstances(body.Data, dependencies.Reader),
                RequestKey = requestKey.Length > 0 ? requestKey : null,
                Source = PredictionSource.Http,
            },
            http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers[ModelVersionHeader] = response.Version;
        return SerializedOk.Of(response, PredictionResponseJson.TryWrite);
    }

    private static RouteHandlerBuilder WithPredictMetadata(this RouteHandlerBuilder builder) => builder
        .Accepts<PredictRequestDocument>("application/json")
        .WithScoringProblems();

    /// <summary>The problems every scoring route (REST predict, KServe infer) can answer, for the OpenAPI document.</summary>
    internal static RouteHandlerBuilder WithScoringProblems(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
