using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Shipyard.Http.Bodies;
using Shipyard.Http.Errors;
using Shipyard.Http.Security;
using Shipyard.Monitoring;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Scoring;

namespace Shipyard.Http.Apis;

/// <summary>
/// Outcomes and evaluation (docs/evaluation.md): <c>POST /api/models/{name}/feedback</c> takes
/// <c>{"outcomes":[{"predictionId","actual"}]}</c> (or CSV, <see cref="FeedbackCsv"/>) and answers
/// <c>{"accepted":n,"rejected":[{"index","predictionId","reason"}]}</c>; <c>GET /api/models/{name}/evaluation[?window=7d]</c>
/// answers the evaluation report, and <c>…/evaluation/report.html</c> the same report as a self-contained page.
/// </summary>
public static class EvaluationApi
{
    /// <summary>Maps the routes (function or admin key, as predict).</summary>
    public static IEndpointRouteBuilder MapEvaluationApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var models = app.MapGroup("/api/models/{name}").WithTags("Evaluation").RequireAuthorization(ShipyardRoles.CallerPolicy);
        models.MapPost("/feedback", RecordFeedbackAsync).WithName("RecordFeedback")
            .Accepts<JsonElement>("application/json", "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        models.MapGet("/evaluation", GetEvaluationAsync).WithName("GetEvaluation")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        models.MapGet("/evaluation/report.html", GetEvaluationHtmlAsync).WithName("GetEvaluationHtml")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Records outcomes; each unknown or expired id is reported and the rest stored, an invalid actual fails the whole request (400).</summary>
    public static async Task<Results<Ok<FeedbackReceipt>, ProblemHttpResult>> RecordFeedbackAsync(
        string name, EvaluationService evaluation, JsonRequestReader reader, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(http);
        if (RouteChecks.Problem(name) is { } invalid)
        {
            return invalid;
        }

        var manifest = evaluation.ManifestOf(name);
        IReadOnlyList<OutcomeSubmission> outcomes;
        if (IsCsv(http.Request))
        {
            var limit = reader.Options.MaxRequestBodyBytes;
            if (http.Request.ContentLength > limit)
            {
                throw new RequestTooLargeException(limit).ToRejection();
            }

            try
            {
                outcomes = await FeedbackCsv.ReadAsync(new LengthLimitedStream(http.Request.Body, limit), manifest, http.Request.Query["version"], http.Request.Query["batch"], http.RequestAborted).ConfigureAwait(false);
            }
            catch (RequestTooLargeException tooLarge)
            {
                throw tooLarge.ToRejection();
            }
        }
        else
        {
            using var body = await reader.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            outcomes = ParseOutcomes(body.RootElement);
        }

        return TypedResults.Ok(await evaluation.RecordAsync(manifest, outcomes, http.RequestAborted).ConfigureAwait(false));
    }

    /// <summary>The evaluation report of the last <c>window</c> (default <c>Shipyard:Evaluation:Window</c>).</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetEvaluationAsync(string name, string? window, EvaluationService evaluation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var (span, problem) = Check(name, window);
        if (problem is not null)
        {
            return problem;
        }

        var report = await evaluation.EvaluateAsync(name, span, cancellationToken: cancellationToken).ConfigureAwait(false);
        return TypedResults.Bytes(EvaluationReportJson.Write(report), "application/json; charset=utf-8");
    }

    /// <summary>The same report as HTML.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetEvaluationHtmlAsync(string name, string? window, EvaluationService evaluation, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(http);
        var (span, problem) = Check(name, window);
        if (problem is not null)
        {
            return problem;
        }

        var report = await evaluation.EvaluateAsync(name, span, cancellationToken: http.RequestAborted).ConfigureAwait(false);
        return HtmlReportResult.Create(http.Response, System.Text.Encoding.UTF8.GetBytes(EvaluationReportHtml.Render(report)));
    }

    /// <summary><c>{"outcomes":[{"predictionId":"…","actual":…}]}</c>, every problem named.</summary>
    internal static List<OutcomeSubmission> ParseOutcomes(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("outcomes", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInputException([new InputError("outcomes", "expected {\"outcomes\":[{\"predictionId\":\"…\",\"actual\":…}]}")]);
        }

        var errors = new List<InputError>();
        var outcomes = new List<OutcomeSubmission>(items.GetArrayLength());
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var path = $"outcomes[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new InputError(path, "expected an object with predictionId and actual"));
                continue;
            }

            if (!item.TryGetProperty("predictionId", out var id) || id.ValueKind != JsonValueKind.String)
            {
                errors.Add(new InputError(path + ".predictionId", "expected the prediction's id as a string"));
            }

            if (!item.TryGetProperty("actual", out var actual) || actual.ValueKind is JsonValueKind.Null)
            {
                errors.Add(new InputError(path + ".actual", "expected the true label or value"));
            }

            if (errors.Count == 0)
            {
                outcomes.Add(new OutcomeSubmission(id.GetString()!, actual.Clone()));
            }
        }

        return errors.Count > 0 ? throw new InvalidInputException(errors) : outcomes;
    }

    private static bool IsCsv(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase);

    private static (TimeSpan? Window, ProblemHttpResult? Problem) Check(string name, string? window)
    {
        var errors = RouteChecks.Check(name);
        TimeSpan? span = null;
        if (window is not null)
        {
            if (DriftWindow.TryParse(window, out var parsed) && parsed <= TimeSpan.FromDays(366))
            {
                span = parsed;
            }
            else
            {
                errors.Add($"window: '{window}' is not a window up to 366 days (24h, 90m, 7d)");
            }
        }

        return errors.Count > 0 ? (null, Problems.Invalid(errors)) : (span, null);
    }
}
