using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Shipyard.Http.Hosting;
using Shipyard.Http.Security;

namespace Shipyard.Server.Grpc;

/// <summary>
/// The KServe v2 gRPC service of the standalone server: its services, its own HTTP/2 (h2c) endpoint at
/// <see cref="GrpcOptions.UrlKey"/> beside the REST addresses, and the service mapped behind the caller policy.
/// </summary>
public static partial class GrpcHostingExtensions
{
    /// <summary>
    /// Adds gRPC (messages up to <c>Shipyard:Http:MaxRequestBodyBytes</c>, as REST bodies; exceptions mapped by
    /// <see cref="GrpcProblemInterceptor"/>) and, unless <see cref="GrpcOptions.UrlKey"/> is empty, Kestrel's gRPC endpoint:
    /// the REST addresses as <see cref="Hosting.ShipyardHostingExtensions.AddShipyardHosting"/> left them plus the gRPC URL, the
    /// latter serving HTTP/2 only. Call after <c>AddShipyardHosting</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The gRPC URL is malformed or uses a port a REST address uses.</exception>
    public static WebApplicationBuilder AddShipyardGrpc(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<GrpcProblemInterceptor>();

            // No catch-all route for services we do not serve: its POST {service}/{method} pattern would also match REST
            // paths, turning "405 wrong method" answers into 404s. A call to an unknown service still fails
            // (HTTP 404, which gRPC clients read as UNIMPLEMENTED).
            options.IgnoreUnknownServices = true;
        });
        builder.Services.AddSingleton<InferenceService>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<InferenceService>, InferenceServiceMethods>());
        builder.Services.AddOptions<GrpcServiceOptions>().Configure<IOptions<HttpServerOptions>>((grpc, http) =>
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, http.Value.MaxRequestBodyBytes));

        if (GrpcOptions.Endpoint(builder.Configuration) is not { } endpoint)
        {
            return builder;
        }

        var text = endpoint.Url;
        if (builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            // Endpoints from configuration replace the URLs: the gRPC one joins them there.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:ShipyardGrpc:Url"] = text,
                ["Kestrel:Endpoints:ShipyardGrpc:Protocols"] = nameof(HttpProtocols.Http2),
            });
            return builder;
        }

        var rest = RestUrls(builder);
        if (rest.Any(u => Port(u) == endpoint.Port))
        {
            throw new InvalidOperationException(
                $"{GrpcOptions.UrlKey} '{text}' uses port {endpoint.Port}, which a REST address ({string.Join(";", rest)}) uses too: Kestrel cannot serve HTTP/1.1 and cleartext HTTP/2 on one port. Choose another port, or an empty {GrpcOptions.UrlKey} to turn gRPC off.");
        }

        builder.WebHost.UseUrls([.. rest, text]);

        // Addresses from URLs get the endpoint defaults; only the gRPC port is HTTP/2-only (h2c needs no ALPN then).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == endpoint.Port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
        return builder;
    }

    /// <summary>Maps <c>inference.GRPCInferenceService</c> (caller policy; health calls anonymous) and says at start where it listens.</summary>
    public static WebApplication MapShipyardGrpc(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<InferenceService>().RequireAuthorization(ShipyardRoles.CallerPolicy);
        if (GrpcOptions.Endpoint(app.Configuration) is { } endpoint)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shipyard.Server.Grpc");
            app.Lifetime.ApplicationStarted.Register(() => LogListening(logger, endpoint.Url));
        }

        return app;
    }

    /// <summary>The REST addresses: <c>urls</c> (set by <c>--urls</c>, <c>ASPNETCORE_URLS</c> or the default), else the
    /// <c>HTTP_PORTS</c> / <c>HTTPS_PORTS</c> settings as URLs (setting URLs would otherwise make Kestrel ignore them).</summary>
    private static List<string> RestUrls(WebApplicationBuilder builder)
    {
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (!string.IsNullOrWhiteSpace(urls))
        {
            return [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        static IEnumerable<string> Ports(string? value, string scheme) =>
            (value ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}");
        return [.. Ports(builder.Configuration[WebHostDefaults.HttpPortsKey], "http"), .. Ports(builder.Configuration[WebHostDefaults.HttpsPortsKey], "https")];
    }

    private static int? Port(string url) => GrpcOptions.ParseKestrelUrl(url)?.Port;

    [LoggerMessage(Level = LogLevel.Information, Message = "KServe v2 gRPC (inference.GRPCInferenceService, HTTP/2 cleartext) listening on: {Url}")]
    private static partial void LogListening(ILogger logger, string url);
}
