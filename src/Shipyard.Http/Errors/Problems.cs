using Microsoft.AspNetCore.Http.HttpResults;

namespace Shipyard.Http.Errors;

/// <summary>
/// The problem details (RFC 9457) every error response uses: <c>title</c>, <c>status</c>, <c>detail</c> and, for
/// invalid input, <c>errors</c> — every problem as <c>"field: message"</c> (<c>instances[3].mean_radius: expected a number</c>).
/// </summary>
public static class Problems
{
    /// <summary>The extension member holding the list of field errors.</summary>
    public const string ErrorsKey = "errors";

    /// <summary>A problem result with the given status, title, detail and field errors.</summary>
    public static ProblemHttpResult Create(int status, string title, string? detail = null, IReadOnlyList<string>? errors = null)
    {
        Dictionary<string, object?>? extensions = null;
        if (errors is { Count: > 0 })
        {
            extensions = new Dictionary<string, object?> { [ErrorsKey] = errors };
            detail ??= string.Join("; ", errors);
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    /// <summary>400 listing every invalid field.</summary>
    public static ProblemHttpResult Invalid(IReadOnlyList<string> errors, string title = RequestRejectedException.InvalidTitle) =>
        Create(StatusCodes.Status400BadRequest, title, errors: errors);

    /// <summary>404 for an unknown model or version.</summary>
    public static ProblemHttpResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);
}
