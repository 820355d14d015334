using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shipyard.Http.Apis.Contracts;
using Shipyard.Http.Errors;
using Shipyard.Http.Hosting;
using Shipyard.Http.Bodies;
using Shipyard.Http.Security;
using Shipyard.Models;

namespace Shipyard.Http.Apis;

/// <summary>
/// Registry administration (admin key only): upload a version as a zip, promote a version to an alias, replace the
/// routing, roll production back. Routing changes are conditional writes: a concurrent change answers 409.
/// </summary>
public static class AdminApi
{
    private static readonly string[] Aliases = ["production", "staging", "canary", "shadow"];
    private static readonly string[] ZipContentTypes = ["application/zip", "application/x-zip-compressed", "application/octet-stream"];

    /// <summary>Maps <c>/api/admin/models/{name}/…</c>.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/models/{name}").WithTags("Admin").RequireAuthorization(ShipyardRoles.AdminPolicy);
        admin.MapPut("/versions/{version}", UploadVersionAsync).WithName("UploadVersion")
            .Accepts(typeof(byte[]), "application/zip")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithTimeLimit(RequestTimeLimit.Upload);
        admin.MapPost("/promote", PromoteAsync).WithName("Promote").WithRoutingMetadata().Accepts<PromoteRequest>("application/json");
        admin.MapPut("/routing", SetRoutingAsync).WithName("SetRouting").WithRoutingMetadata().Accepts<ModelRouting>("application/json");
        admin.MapPost("/rollback", RollbackAsync).WithName("Rollback").WithRoutingMetadata();
        return app;
    }

    /// <summary>Stores and loads a model package; 201 with the version's state. Routing is not changed.</summary>
    public static async Task<Results<Created<ModelVersionResponse>, ProblemHttpResult>> UploadVersionAsync(
        string name, string version, HttpRequest request, ModelRegistry registry, IOptionsMonitor<HttpServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RouteChecks.Problem(name, version) is { } invalid)
        {
            return invalid;
        }

        if (request.ContentType is { Length: > 0 } contentType
            && !ZipContentTypes.Any(t => contentType.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                errors: [$"Content-Type: '{contentType}' is not supported; send the package as application/zip."]);
        }

        var limit = options.CurrentValue.MaxUploadBytes;
        if (request.ContentLength > limit)
        {
            throw new RequestTooLargeException(limit).ToRejection();
        }

        // Zip reading needs a seekable stream: spool the upload to a temporary file (deleted on close), never to memory.
        var spool = Path.Combine(Path.GetTempPath(), $"shipyard-upload-{Guid.NewGuid():N}.zip");
        await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using var body = new LengthLimitedStream(request.Body, limit);
            await body.CopyToAsync(file, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (RequestTooLargeException tooLarge)
        {
            throw tooLarge.ToRejection();
        }

        if (file.Length == 0)
        {
            return Problems.Invalid(["body: empty; send the model package as a zip."], "Invalid model package.");
        }

        file.Position = 0;
        var info = await registry.UploadVersionAsync(name, version, file, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created($"/api/models/{name}", ModelVersionResponse.From(info));
    }

    /// <summary>Points an alias at a version; answers the new routing.</summary>
    public static async Task<Results<Ok<ModelRouting>, ProblemHttpResult>> PromoteAsync(
        string name, HttpRequest request, ModelRegistry registry, JsonRequestReader reader)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reader);
        if (RouteChecks.Problem(name) is { } invalid)
        {
            return invalid;
        }

        using var body = await reader.ReadAsync(request, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var (alias, version) = ReadPromote(body.RootElement);
        return await RoutingChangeAsync(() => registry.PromoteAsync(name, alias, version, request.HttpContext.RequestAborted)).ConfigureAwait(false);
    }

    /// <summary>Replaces routing.json (production, staging, canary, shadow); answers the routing in effect.</summary>
    public static async Task<Results<Ok<ModelRouting>, ProblemHttpResult>> SetRoutingAsync(
        string name, HttpRequest request, ModelRegistry registry, JsonRequestReader reader)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reader);
        if (RouteChecks.Problem(name) is { } invalid)
        {
            return invalid;
        }

        using var body = await reader.ReadAsync(request, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var routing = ModelRouting.Parse(body.RootElement);
        if (routing.Validate() is { Count: > 0 } problems)
        {
            return Problems.Invalid(problems, "Invalid routing.");
        }

        return await RoutingChangeAsync(() => registry.SetRoutingAsync(name, routing, request.HttpContext.RequestAborted)).ConfigureAwait(false);
    }

    /// <summary>Sets production back to the previous production version; 409 when there is none.</summary>
    public static async Task<Results<Ok<ModelRouting>, ProblemHttpResult>> RollbackAsync(string name, ModelRegistry registry, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (RouteChecks.Problem(name) is { } invalid)
        {
            return invalid;
        }

        return await RoutingChangeAsync(() => registry.RollbackAsync(name, http.RequestAborted)).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ModelRouting>, ProblemHttpResult>> RoutingChangeAsync(Func<Task<ModelRouting>> change)
    {
        try
        {
            return TypedResults.Ok(await change().ConfigureAwait(false));
        }
        catch (InvalidOperationException e)
        {
            // e.g. rollback with no previous production version: the request conflicts with the current state.
            return Problems.Create(StatusCodes.Status409Conflict, "Conflict", e.Message);
        }
        catch (ArgumentException e)
        {
            return Problems.Invalid([e.Message]);
        }
    }

    private static (string Alias, string Version) ReadPromote(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RequestRejectedException.Invalid([$"body: expected {{\"alias\":\"production\",\"version\":\"2\"}}, got {UserText.Describe(root.ValueKind)}."]);
        }

        var errors = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (!property.NameEquals("alias") && !property.NameEquals("version"))
            {
                errors.Add($"{UserText.Shorten(property.Name)}: unknown field; expected alias and version.");
            }
        }

        var alias = root.TryGetProperty("alias", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (alias is null)
        {
            errors.Add("alias: required; one of production, staging, canary, shadow.");
        }
        else if (!Aliases.Contains(alias, StringComparer.Ordinal))
        {
            errors.Add($"alias: '{UserText.Shorten(alias)}' is not an alias; expected production, staging, canary or shadow.");
        }

        var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (version is null)
        {
            errors.Add("version: required string, such as \"2\".");
        }
        else if (!ModelManifest.IsValidVersion(version))
        {
            errors.Add($"version: '{UserText.Shorten(version)}' is not a valid version (a positive integer without leading zeros, such as \"1\").");
        }

        if (errors.Count > 0)
        {
            throw RequestRejectedException.Invalid(errors);
        }

        return (alias!, version!);
    }

    private static RouteHandlerBuilder WithRoutingMetadata(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
