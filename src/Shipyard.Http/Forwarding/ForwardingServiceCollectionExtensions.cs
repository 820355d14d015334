using Microsoft.Extensions.Options;
using Shipyard;
using Shipyard.Models;

namespace Shipyard.Http.Forwarding;

/// <summary>Registers the GPU forwarding of <c>cuda</c> models and attaches it to routes.</summary>
public static class ForwardingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="GpuForwardingOptions"/> (<c>GPU_APP_URL</c>, <c>GPU_APP_KEY</c>, <c>Shipyard:GpuForwarding:Timeout</c>)
    /// and registers <see cref="GpuForwarder"/> and <see cref="GpuForwardingGate"/>. A URL that is not an absolute http(s) URL stops the app at start.
    /// </summary>
    public static IServiceCollection AddShipyardGpuForwarding(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GpuForwardingOptions>()
            .Bind(configuration.GetSection(GpuForwardingOptions.Section))
            .Configure(options =>
            {
                // The URL is not echoed in errors: it may carry credentials (user:password@, ?sig=, ?code=) that must not end
                // up in a log. Those are accepted: user information goes as HTTP Basic, the query rides on every request.
                var url = configuration[GpuForwardingOptions.UrlSetting];
                if (!string.IsNullOrWhiteSpace(url))
                {
                    options.Url = Uri.TryCreate(url, UriKind.Absolute, out var parsed)
                        && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
                        && parsed.AbsolutePath == "/" && parsed.Fragment.Length == 0
                        ? parsed
                        : throw new OptionsValidationException(GpuForwardingOptions.UrlSetting, typeof(GpuForwardingOptions), [$"{GpuForwardingOptions.UrlSetting} must be the GPU app's base URL: absolute http or https, no path."]);
                }

                if (configuration[GpuForwardingOptions.KeySetting] is { Length: > 0 } key)
                {
                    options.Key = key;
                }
            })
            .Validate(options => options.Url is null || !string.IsNullOrEmpty(options.Key), $"{GpuForwardingOptions.KeySetting} is empty: the GPU app would refuse every forwarded prediction.")
            .ValidateOnStart();
        services.AddSingleton(sp => new GpuForwarder(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<IOptions<GpuForwardingOptions>>(),
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<IOptions<ShipyardOptions>>(),
            sp.GetRequiredService<ILogger<GpuForwarder>>()));
        services.AddSingleton<GpuForwardingGate>();
        return services;
    }

    /// <summary>Sends this route's requests for <c>cuda</c> models to the GPU app when one is configured; no cost otherwise.</summary>
    public static RouteHandlerBuilder WithGpuForwarding(this RouteHandlerBuilder builder, IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ServiceProvider.GetRequiredService<GpuForwarder>().IsEnabled)
        {
            builder.AddEndpointFilter<GpuForwardingFilter>();
        }

        return builder;
    }
}
