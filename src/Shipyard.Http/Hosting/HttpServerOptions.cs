namespace Shipyard.Http.Hosting;

/// <summary>
/// Limits and timeouts of the HTTP surface, bound from <c>Shipyard:Http</c>
/// (environment: <c>Shipyard__Http__MaxRequestBodyBytes=…</c>).
/// </summary>
public sealed record HttpServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Shipyard:Http";

    /// <summary>Largest JSON request body (predict, infer, routing); bigger bodies get 413. Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest model package upload (zip); bigger uploads get 413. Default 512 MiB.</summary>
    public long MaxUploadBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Most instances (rows) in one predict request, or rows of one infer request; more get 413. Default 1000.</summary>
    public int MaxInstancesPerRequest { get; init; } = 1000;

    /// <summary>Deepest JSON nesting accepted in a request body; deeper bodies get 400. Default 32.</summary>
    public int MaxJsonDepth { get; init; } = 32;

    /// <summary>Time a request may take before it is cancelled and answered with 503. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time an upload may take. Default 10 min.</summary>
    public TimeSpan UploadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long shutdown waits for in-flight requests and the prediction-log flush. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
