using System.Text.Json;
using System.Text.Json.Serialization;
using Shipyard.Http.Errors;
using Shipyard.Http.Bodies;
using Shipyard.Scoring;

namespace Shipyard.Http.Hosting;

/// <summary>JSON, problem details, the body reader and OpenAPI for the HTTP surface.</summary>
public static class ShipyardHttpServiceCollectionExtensions
{
    /// <summary>
    /// camelCase JSON with enums as kebab-case strings (compile-time serializers for the answers: <see cref="ScoringJsonContext"/>,
    /// <see cref="HttpJsonContext"/>); every error as <c>application/problem+json</c> (routes under
    /// <c>/v2</c> also carry the Open Inference Protocol's <c>error</c> member); <see cref="ProblemExceptionHandler"/>;
    /// <see cref="JsonRequestReader"/>; <see cref="HttpServerOptions"/> (section <c>Shipyard:Http</c>); the OpenAPI document.
    /// Both hosts call it, so a route answers alike under either.
    /// </summary>
    public static IServiceCollection AddShipyardHttp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HttpServerOptions>().Bind(configuration.GetSection(HttpServerOptions.Section));
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            json.SerializerOptions.MaxDepth = 64;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ScoringJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, HttpJsonContext.Default);
        });
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            var details = context.ProblemDetails;
            details.Instance ??= context.HttpContext.Request.Path;
            details.Detail ??= DefaultDetail(details.Status, context.HttpContext.Request);
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

    /// <summary>What to do about a status produced without an explanation (routing, authentication, status code pages).</summary>
    private static string? DefaultDetail(int? status, HttpRequest request) => status switch
    {
        StatusCodes.Status401Unauthorized => "Send a valid key in the x-functions-key header or the code query parameter.",
        StatusCodes.Status403Forbidden => "This key may not call this route; admin routes need the admin key.",
        StatusCodes.Status404NotFound => $"No route matches {request.Method} {request.Path}; see /api/openapi.json.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}; see /api/openapi.json.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => $"Content-Type '{request.ContentType}' is not supported here; send application/json (uploads: application/zip).",
        StatusCodes.Status503ServiceUnavailable => "The server is not ready or the request timed out; retry later.",
        _ => null,
    };
}
