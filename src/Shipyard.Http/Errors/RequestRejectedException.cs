namespace Shipyard.Http.Errors;

/// <summary>
/// A request the host refuses before it reaches the domain (body too large, not JSON, wrong shape). Mapped to
/// <c>application/problem+json</c> with <see cref="StatusCode"/> and <see cref="Errors"/> by <see cref="ProblemExceptionHandler"/>.
/// </summary>
public sealed class RequestRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status (400, 413, 415).</param>
    /// <param name="title">A short summary, the problem's title.</param>
    /// <param name="errors">Every problem, each starting with the field it concerns (<c>instances: expected an array</c>).</param>
    public RequestRejectedException(int statusCode, string title, IReadOnlyList<string> errors)
        : base(title + (errors is { Count: > 0 } ? ": " + string.Join("; ", errors) : string.Empty))
    {
        StatusCode = statusCode;
        Title = title;
        Errors = errors ?? [];
    }

    /// <summary>Standard constructor (400, no details).</summary>
    public RequestRejectedException()
        : this(StatusCodes.Status400BadRequest, "Bad request", [])
    {
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The problem's title.</summary>
    public string Title { get; }

    /// <summary>Every problem, field first.</summary>
    public IReadOnlyList<string> Errors { get; }
}
