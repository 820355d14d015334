using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Shipyard.Models;
using Shipyard.Scoring;

namespace Shipyard.Http.Errors;

/// <summary>
/// Turns the exceptions callers can cause into problem details, so bad input never becomes a 500:
/// <see cref="RequestRejectedException"/>, the domain's <see cref="InvalidInputException"/> (400),
/// <see cref="ModelNotFoundException"/> (404), <see cref="RoutingConflictException"/> (409),
/// <see cref="PackageInvalidException"/> / <see cref="ManifestException"/> (400), <see cref="ModelNotReadyException"/> (503),
/// <see cref="BadHttpRequestException"/> (its own status) and a cancelled request (499, nothing written).
/// Anything else stays a 500 and is logged (without request bodies or keys).
/// </summary>
public sealed class ProblemExceptionHandler : IExceptionHandler
{
    private readonly IProblemDetailsService _problems;

    /// <summary>Creates the handler (DI).</summary>
    public ProblemExceptionHandler(IProblemDetailsService problems)
    {
        _problems = problems;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the request timed out, which the timeout middleware answers itself).
            httpContext.Response.StatusCode = 499;
            return true;
        }

        var problem = Map(exception);
        if (problem is null)
        {
            return false;
        }

        var (status, title, detail, errors) = problem.Value;
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is { Count: > 0 })
        {
            details.Extensions[Problems.ErrorsKey] = errors;
        }

        return await _problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception })
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The same answer as <see cref="TryHandleAsync"/>, as a result to return instead of writing it: for hosts whose
    /// handlers run outside ASP.NET Core's exception handler middleware (the Functions app's HTTP functions).
    /// Null for a server fault (the caller rethrows).
    /// </summary>
    public static IResult? ToResult(HttpContext httpContext, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.StatusCode(499);
        }

        if (Map(exception) is not var (status, title, detail, errors))
        {
            return null;
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return Problems.Create(status, title, detail, errors);
    }

    /// <summary>The problem for an exception a caller can cause, or null for a server fault.</summary>
    internal static (int Status, string Title, string Detail, IReadOnlyList<string>? Errors)? Map(Exception exception) => exception switch
    {
        RequestRejectedException r => (r.StatusCode, r.Title, r.Message, r.Errors),
        InvalidInputException i => (400, RequestRejectedException.InvalidTitle, i.Message, i.Errors.Select(e => $"{e.Path}: {e.Message}").ToArray()),
        ModelNotFoundException n => (404, "Not found", n.Message, null),
        RoutingConflictException c => (409, "Conflict", c.Message, null),
        PackageInvalidException p => (400, "Invalid model package.", p.Message, p.Errors),
        ManifestException m => (400, "Invalid model manifest.", m.Message, m.Errors),
        ModelNotReadyException r => (503, "Not ready", r.Message, null),
        BadHttpRequestException b => (b.StatusCode, "Bad request", b.Message, null),
        JsonException j => (400, "Malformed JSON.", j.Message, [$"body: {j.Message}"]),

        // Reading caller JSON the parser accepted but cannot turn into .NET values (a lone surrogate escape such as
        // "\ud800" in a name or string, a value of an unexpected kind) is still bad input, not a server fault.
        InvalidOperationException { Source: "System.Text.Json" } t => (400, "Unreadable JSON.", t.Message, [$"body: {t.Message}"]),
        _ => null,
    };
}
