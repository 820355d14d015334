using Grpc.Core;

namespace Shipyard.Server.Grpc;

/// <summary>
/// Refusals the middleware answers before a gRPC call reaches the service (no key, wrong key, rate limit), written as
/// gRPC answers: HTTP 200 with <c>grpc-status</c> and <c>grpc-message</c> in the headers ("trailers-only", the gRPC over
/// HTTP/2 spec), so a client sees Unauthenticated / PermissionDenied / ResourceExhausted and the reason, not a bare
/// HTTP status it can only guess from.
/// </summary>
internal static class GrpcStatusResponse
{
    /// <summary>Whether <paramref name="request"/> is a gRPC call (content type <c>application/grpc</c>, any suffix).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes <paramref name="code"/> and <paramref name="message"/> as the whole answer.</summary>
    public static void Write(HttpResponse response, StatusCode code, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // grpc-message is percent-encoded (gRPC over HTTP/2 spec); clients decode any %XX.
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    /// <summary>
    /// The gRPC code for an HTTP status of a refused request: 400/415 InvalidArgument, 401 Unauthenticated,
    /// 403 PermissionDenied, 404 NotFound, 409 FailedPrecondition, 413 and 429 ResourceExhausted (gRPC's own code for a
    /// message over the size limit), 503 Unavailable, 499 Cancelled; anything else Internal.
    /// </summary>
    public static StatusCode FromHttp(int status) => status switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType => StatusCode.InvalidArgument,
        StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
        StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
        StatusCodes.Status404NotFound => StatusCode.NotFound,
        StatusCodes.Status409Conflict => StatusCode.FailedPrecondition,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
        StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
        499 => StatusCode.Cancelled,
        _ => StatusCode.Internal,
    };
}
