using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Shipyard.Http.Apis;
using Shipyard.Http.Bodies;
using Shipyard.Monitoring.Evaluation;

namespace Shipyard.Functions.Http;

/// <summary>Outcomes and evaluation (function key): <see cref="EvaluationApi"/>.</summary>
public sealed class EvaluationFunctions(EvaluationService evaluation, JsonRequestReader reader)
{
    /// <summary><c>POST /api/models/{name}/feedback</c>.</summary>
    [Function("RecordFeedback")]
    public async Task<IResult> RecordFeedback(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/models/{name}/feedback")] HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await EvaluationApi.RecordFeedbackAsync(name, evaluation, reader, request.HttpContext).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/models/{name}/evaluation[?window=7d]</c>.</summary>
    [Function("GetEvaluation")]
    public async Task<IResult> GetEvaluation(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/models/{name}/evaluation")] HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await EvaluationApi.GetEvaluationAsync(name, Window(request), evaluation, request.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/models/{name}/evaluation/report.html[?window=7d]</c>.</summary>
    [Function("GetEvaluationHtml")]
    public async Task<IResult> GetEvaluationHtml(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/models/{name}/evaluation/report.html")] HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await EvaluationApi.GetEvaluationHtmlAsync(name, Window(request), evaluation, request.HttpContext).ConfigureAwait(false);
    }

    private static string? Window(HttpRequest request) => request.Query.TryGetValue("window", out var window) ? window.ToString() : null;
}
