using System.Globalization;

namespace Shipyard.Http.Errors;

/// <summary>
/// A request the host refuses before it reaches the domain (body too large, not JSON, wrong shape). Mapped to
/// <c>application/problem+json</c> with <see cref="StatusCode"/> and <see cref="Errors"/> by <see cref="ProblemExceptionHandler"/>.
/// </summary>
public sealed class RequestRejectedException : Exception
{
    /// <summary>The most problems an answer lists: a request with a million bad elements gets the first ones and a note
    /// that more were found, not a million lines (the same bound as <c>Shipyard:Limits:MaxErrors</c>'s default).</summary>
    public const int MaxListedErrors = 100;

    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status (400, 413, 415).</param>
    /// <param name="title">A short summary, the problem's title.</param>
    /// <param name="errors">Every problem, each starting with the field it concerns (<c>instances: expected an array</c>);
    /// past <see cref="MaxListedErrors"/>, the first ones and a note.</param>
    public RequestRejectedException(int statusCode, string title, IReadOnlyList<string> errors)
        : this(statusCode, title, Listed(errors ?? []))
    {
    }

    /// <summary>Standard constructor (400, no details).</summary>
    public RequestRejectedException()
        : this(StatusCodes.Status400BadRequest, "Bad request", [])
    {
    }

    // errors: already cut to what an answer lists.
    private RequestRejectedException(int statusCode, string title, string[] errors)
        : base(title + (errors.Length > 0 ? ": " + string.Join("; ", errors) : string.Empty))
    {
        StatusCode = statusCode;
        Title = title;
        Errors = errors;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The problem's title.</summary>
    public string Title { get; }

    /// <summary>Every problem, field first (at most <see cref="MaxListedErrors"/>, then a note that more were found).</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>The title of every 400 for invalid input (REST problems and gRPC statuses alike).</summary>
    public const string InvalidTitle = "One or more inputs are invalid.";

    /// <summary>A 400 naming each invalid input in <paramref name="errors"/>.</summary>
    public static RequestRejectedException Invalid(IReadOnlyList<string> errors) => new(StatusCodes.Status400BadRequest, InvalidTitle, errors);

    /// <summary>True when a caller has found as many problems as an answer lists, so it can stop looking.</summary>
    public static bool Enough(IReadOnlyCollection<string>? errors) => errors is { Count: > MaxListedErrors };

    private static string[] Listed(IReadOnlyList<string> errors) => errors.Count <= MaxListedErrors
        ? [.. errors]
        : [.. errors.Take(MaxListedErrors), string.Create(CultureInfo.InvariantCulture, $"…: more problems were found; the first {MaxListedErrors} are listed.")];
}
