using System.Text.Json;
using System.Text.Json.Serialization;
using Shipyard.Functions.Errors;
using Shipyard.Functions.Http;

namespace Shipyard.Functions.Hosting;

/// <summary>JSON, problem details, the body reader and OpenAPI for the HTTP surface.</summary>
public static class ShipyardHttpServiceCollectionExtensions
{
    /// <summary>
    /// camelCase JSON with enums as kebab-case strings; every error as <c>application/problem+json</c> (routes under
    /// <c>/v2</c> also carry the Open Inference Protocol's <c>error</c> member); <see cref="ProblemExceptionHandler"/>;
    /// <see cref="JsonRequestReader"/>; the OpenAPI document.
    /// </summary>
    public static IServiceCollection AddShipyardHttp(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            json.SerializerOptions.MaxDepth = 64;
        });
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            var details = context.ProblemDetails;
            details.Instance ??= context.HttpContext.Request.Path;
            if (context.HttpContext.Request.Path.StartsWithSegments("/v2", StringComparison.Ordinal))
            {
                details.Extensions["error"] = details.Detail ?? details.Title;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton<JsonRequestReader>();
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Shipyard";
            document.Info.Description = "Real-time predictions (REST and KServe v2), model registry administration and health. Keys: header x-functions-key or query code.";
            return Task.CompletedTask;
        }));
        return services;
    }
}
