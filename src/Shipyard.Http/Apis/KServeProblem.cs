namespace Shipyard.Http.Apis;

/// <summary>Why a lookup failed, as an HTTP status with title, detail and field errors; each transport renders it its own way.</summary>
internal sealed record KServeProblem(int Status, string Title, string Detail, IReadOnlyList<string>? Errors = null)
{
    public static KServeProblem NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    public static KServeProblem NotReady(string detail) => new(StatusCodes.Status503ServiceUnavailable, "Not ready", detail);
}
