namespace Shipyard.Server.Grpc;

/// <summary>
/// Where the KServe v2 gRPC service listens, from <c>Shipyard:Grpc</c> (environment <c>Shipyard__Grpc__Url</c>).
/// Kestrel cannot serve HTTP/1.1 and cleartext HTTP/2 on one port (choosing between them needs TLS ALPN), so gRPC
/// (h2c) has an endpoint of its own next to the REST addresses (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, …).
/// </summary>
public static partial class GrpcOptions
{
    /// <summary>The setting holding the gRPC endpoint's URL.</summary>
    public const string UrlKey = "Shipyard:Grpc:Url";

    /// <summary>The endpoint when <see cref="UrlKey"/> is not set: next to the default REST address (7071).</summary>
    public const string DefaultUrl = "http://localhost:7072";

    /// <summary>The configured endpoint: <see cref="DefaultUrl"/> when unset, null when set to an empty string (gRPC off).</summary>
    /// <exception cref="InvalidOperationException">The value is not an http(s) URL with an explicit port.</exception>
    public static GrpcEndpoint? Endpoint(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[UrlKey] ?? DefaultUrl;
        var text = value.Trim().TrimEnd('/');
        if (text.Length == 0)
        {
            return null;
        }

        if (ParseKestrelUrl(text) is not { } uri || uri.Scheme is not ("http" or "https") || !ExplicitPort().IsMatch(text))
        {
            throw new InvalidOperationException(
                $"{UrlKey} '{value}' is not a gRPC endpoint URL: expected http://HOST:PORT (h2c) or https://HOST:PORT with an explicit port, or an empty string to turn gRPC off.");
        }

        return new GrpcEndpoint(text, uri.Port);
    }

    /// <summary>A Kestrel address as a URI: its any-address hosts (* and +) are no URI hosts, so they read as 0.0.0.0 (the text is bound as given).</summary>
    internal static Uri? ParseKestrelUrl(string url) =>
        Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z]+://[^/]+:[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex ExplicitPort();
}
