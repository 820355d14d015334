using Microsoft.AspNetCore.Http.HttpResults;
using Shipyard.Http.Errors;
using Shipyard.Http.Security;
using Shipyard.Models;
using Shipyard.Monitoring;
using Shipyard.Storage;

namespace Shipyard.Http.Apis;

/// <summary>
/// <c>GET /api/models/{name}/drift</c> (latest drift report JSON) and <c>GET /api/models/{name}/drift/latest.html</c>
/// (the same report as a self-contained HTML page). <c>?version=V</c> picks a version; without it, the production
/// version's latest report, or — when it has none — the latest of any version. 404 problem+json when there is none.
/// </summary>
public static class DriftApi
{
    /// <summary>Container the reports live in (as <see cref="DriftMonitorOptions.ReportContainer"/>).</summary>
    public const string ReportContainer = "drift-reports";

    /// <summary>Maps the drift read routes (function or admin key, like the other model read routes).</summary>
    public static IEndpointRouteBuilder MapDriftApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var drift = app.MapGroup("/api/models/{name}/drift").WithTags("Drift").RequireAuthorization(ShipyardRoles.CallerPolicy);
        drift.MapGet("/", GetLatestReport).WithName("GetLatestDriftReport")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        drift.MapGet("/latest.html", GetLatestReportHtml).WithName("GetLatestDriftReportHtml")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The latest report as JSON.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetLatestReport(
        string name, string? version, ModelRegistry registry, IBlobStore store, CancellationToken cancellationToken)
    {
        var found = await FindLatestAsync(name, version, registry, store, cancellationToken).ConfigureAwait(false);
        if (found.Problem is { } problem)
        {
            return problem;
        }

        var bytes = await ReadAsync(store, found.JsonBlob!, cancellationToken).ConfigureAwait(false);
        return bytes is null ? NoReport(name, version) : TypedResults.Bytes(bytes, "application/json; charset=utf-8");
    }

    /// <summary>The latest report as HTML.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetLatestReportHtml(
        string name, string? version, ModelRegistry registry, IBlobStore store, HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var found = await FindLatestAsync(name, version, registry, store, cancellationToken).ConfigureAwait(false);
        if (found.Problem is { } problem)
        {
            return problem;
        }

        var htmlBlob = found.JsonBlob![..^".json".Length] + ".html";
        var bytes = await ReadAsync(store, htmlBlob, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return NoReport(name, version);
        }

        return HtmlReportResult.Create(http.Response, bytes);
    }

    private static async Task<(string? JsonBlob, ProblemHttpResult? Problem)> FindLatestAsync(
        string name, string? version, ModelRegistry registry, IBlobStore store, CancellationToken cancellationToken)
    {
        if (RouteChecks.Problem(name, version) is { } invalid)
        {
            return (null, invalid);
        }

        string? latest;
        if (version is not null)
        {
            latest = await LatestUnderAsync(store, $"{name}/{version}/", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var production = registry.Find(name)?.Routing.Production;
            latest = production is null ? null : await LatestUnderAsync(store, $"{name}/{production}/", cancellationToken).ConfigureAwait(false);
            latest ??= await LatestUnderAsync(store, $"{name}/", cancellationToken).ConfigureAwait(false);
        }

        return latest is null ? (null, NoReport(name, version)) : (latest, null);
    }

    // A drift report is {model}/{version}/{timestamp}.json; the model's folder also holds other reports (evaluation/…).
    private static bool IsVersionReport(string blobName) =>
        blobName.Split('/') is [_, var version, _] && ModelManifest.IsValidVersion(version);

    /// <summary>
    /// The newest JSON report under <paramref name="prefix"/>: report names end in <c>{yyyyMMddTHHmmssfffZ}.json</c>, so the
    /// newest is the greatest file name (compared without the version folder, which differs across versions).
    /// </summary>
    private static async Task<string?> LatestUnderAsync(IBlobStore store, string prefix, CancellationToken cancellationToken)
    {
        string? latest = null;
        try
        {
            await foreach (var blob in store.ListAsync(ReportContainer, prefix, cancellationToken).ConfigureAwait(false))
            {
                if (blob.Name.EndsWith(".json", StringComparison.Ordinal)
                    && IsVersionReport(blob.Name)
                    && (latest is null || string.CompareOrdinal(FileName(blob.Name), FileName(latest)) > 0))
                {
                    latest = blob.Name;
                }
            }
        }
        catch (BlobNotFoundException)
        {
            // No report was ever written: the container does not exist yet.
            return null;
        }

        return latest;
    }

    private static async Task<byte[]?> ReadAsync(IBlobStore store, string blob, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadAllBytesAsync(ReportContainer, blob, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    private static ProblemHttpResult NoReport(string name, string? version) =>
        Problems.NotFound(version is null
            ? $"No drift report for model '{name}' yet; the DriftCheck function writes one per schedule (DRIFT_SCHEDULE)."
            : $"No drift report for model '{name}' version '{version}' yet; the DriftCheck function writes one per schedule (DRIFT_SCHEDULE).");

    private static string FileName(string blobName) => blobName[(blobName.LastIndexOf('/') + 1)..];
}
