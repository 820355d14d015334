using Microsoft.Extensions.Options;
using Shipyard.Http.Hosting;

namespace Shipyard.Server.Hosting;

/// <summary>Where and how the server listens: default address, limits, timeouts, shutdown.</summary>
public static class ShipyardHostingExtensions
{
    /// <summary>The standalone address when nothing else is configured (the Functions host's local port, DESIGN.md "Running it").</summary>
    public const string DefaultStandaloneUrl = "http://localhost:7071";

    /// <summary>
    /// The configured URLs (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>),
    /// else <see cref="DefaultStandaloneUrl"/>. Also: Kestrel's body limit raised to the upload limit (smaller per-route limits
    /// are enforced while reading), request time limits (<see cref="RequestTimeLimitExtensions"/>), and the shutdown grace period for draining requests and flushing logs.
    /// </summary>
    public static WebApplicationBuilder AddShipyardHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Configuration.AddShipyardLogLevelDefaults();

        // Options are resolved lazily from the final configuration (tests and hosts may add settings after this call).
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var http = kestrel.ApplicationServices.GetRequiredService<IOptions<HttpServerOptions>>().Value;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Max(http.MaxUploadBytes, http.MaxRequestBodyBytes);
        });

        if (!HasConfiguredAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultStandaloneUrl);
        }

        builder.Services.AddSingleton<RequestDeadlines>();

        // Kestrel stops accepting, lets in-flight requests finish, then hosted services (the prediction-log flush) stop.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<HttpServerOptions>>((host, options) => host.ShutdownTimeout = options.Value.ShutdownTimeout);
        return builder;
    }

    /// <summary>Enforces the endpoints' <see cref="RequestTimeLimit"/>s (after routing, which picks the endpoint and so its limit).</summary>
    public static IApplicationBuilder UseRequestTimeLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestTimeLimitMiddleware>();

    private static bool HasConfiguredAddress(ConfigurationManager configuration) =>
        !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").Exists();
}
