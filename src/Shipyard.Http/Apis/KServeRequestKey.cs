namespace Shipyard.Http.Apis;

/// <summary>
/// What makes canary assignment sticky for an Open Inference Protocol infer request, over REST and gRPC alike: the
/// request parameter <c>request_key</c> (a string), else the <c>X-Request-Key</c> header (gRPC: <c>x-request-key</c>
/// metadata), the header <see cref="PredictApi"/> reads. The parameter wins: it travels with the body a client built.
/// </summary>
internal static class KServeRequestKey
{
    /// <summary>The infer request parameter naming the sticky key.</summary>
    public const string Parameter = "request_key";

    /// <summary>The key to route by, or null (routing picks at random).</summary>
    public static string? Pick(string? parameter, string? header) =>
        !string.IsNullOrEmpty(parameter) ? parameter : !string.IsNullOrEmpty(header) ? header : null;
}
