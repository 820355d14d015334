using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Telemetry;

namespace Shipyard.Http.Forwarding;

/// <summary>
/// Sends a prediction for a <c>cuda</c> model to the GPU app (same route, same body, <c>GPU_APP_KEY</c> as the key) so
/// clients use one URL and one key for every model. The GPU app runs the same Shipyard against the same registry, so it
/// routes (canary, shadow) and logs the prediction itself.
/// </summary>
public sealed partial class GpuForwarder
{
    /// <summary>Marks a forwarded request. An app that receives one and would forward it again is misconfigured (a GPU app
    /// with <c>GPU_APP_URL</c> set): it answers 508 instead of looping.</summary>
    public const string ForwardedHeader = "X-Shipyard-Forwarded";

    /// <summary>Response header naming who scored a <c>cuda</c> model: <c>gpu-app</c> or <c>local-fallback</c>.</summary>
    public const string ServedByHeader = "X-Shipyard-Served-By";

    private static readonly string[] RelayedRequestHeaders = ["X-Request-Key", "Accept"];
    private readonly HttpClient _client;
    private readonly GpuForwardingOptions _options;
    private readonly ModelRegistry _registry;
    private readonly TimeSpan _initialLoadWait;
    private readonly ILogger<GpuForwarder> _logger;
    private readonly AuthenticationHeaderValue? _authorization; // the URL's user:password, built once
    private readonly Uri? _baseUrl;
    private readonly string _baseQuery;
    private long _unreachableUntil;

    /// <summary>Creates the forwarder; <paramref name="client"/> has no timeout of its own (see <see cref="GpuForwardingOptions.Timeout"/>).</summary>
    public GpuForwarder(HttpClient client, IOptions<GpuForwardingOptions> options, ModelRegistry registry, IOptions<ShipyardOptions> shipyard, ILogger<GpuForwarder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shipyard);
        _client = client;
        _options = options.Value;
        _registry = registry;
        _initialLoadWait = shipyard.Value.InitialLoadWait;
        _logger = logger;
        _authorization = _options.Url is { } url ? UrlCredentials.BasicAuthorization(url) : null;

        // The GPU app's address as every forwarded request needs it, worked out once: without its user:password (sent
        // as the Authorization header instead) and with its own query (kept first, before the request's).
        _baseUrl = _options.Url is { } gpu ? new UriBuilder(gpu) { UserName = string.Empty, Password = string.Empty, Query = string.Empty }.Uri : null;
        _baseQuery = _options.Url?.Query.TrimStart('?') ?? string.Empty;
    }

    /// <summary>True when a GPU app is configured.</summary>
    public bool IsEnabled => _options.Url is not null;

    /// <summary>
    /// The manifest of the version a request for <paramref name="name"/> (and <paramref name="version"/>, else production)
    /// would score with, when that version is a <c>cuda</c> model and forwarding is on; null when the request stays here
    /// (unknown names too: the local handler answers those with its usual errors). Right after a start the manifest is
    /// only known once the version has loaded, so this waits like a local prediction would (<c>Shipyard:InitialLoadWait</c>).
    /// </summary>
    public async ValueTask<ModelManifest?> HeavyManifestAsync(string? name, string? version, CancellationToken cancellationToken)
    {
        if (!IsEnabled || name is null)
        {
            return null;
        }

        await _registry.WaitWhileLoadingAsync(name, _initialLoadWait, cancellationToken).ConfigureAwait(false);
        var manifest = _registry.FindManifest(name, version);
        return manifest?.Runtime.Device == ComputeDevice.Cuda ? manifest : null;
    }

    /// <summary>
    /// Posts <paramref name="body"/> to the same path on the GPU app. On <see cref="ForwardOutcome.Answered"/> the response
    /// is returned (the caller relays and disposes it); otherwise it is null.
    /// </summary>
    internal async Task<(ForwardOutcome Outcome, HttpResponseMessage? Response)> ForwardAsync(HttpRequest request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (Environment.TickCount64 < Volatile.Read(ref _unreachableUntil))
        {
            // Recently unreachable: answer from the fallback now rather than make every request wait for the timeout.
            return (ForwardOutcome.Unreachable, null);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, Target(request)) { Content = new ReadOnlyMemoryContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/json");
        message.Headers.Add("x-functions-key", _options.Key ?? string.Empty);
        message.Headers.Authorization = _authorization;
        message.Headers.Add(ForwardedHeader, "1");
        foreach (var name in RelayedRequestHeaders)
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreachable(_logger, UrlRedaction.Redact(_options.Url!), ex.Message);
            Break();
            return (ForwardOutcome.Unreachable, null);
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout:
                LogUnreachable(_logger, UrlRedaction.Redact(_options.Url!), $"status {(int)response.StatusCode}");
                response.Dispose();
                Break();
                return (ForwardOutcome.Unreachable, null);
            case HttpStatusCode.ServiceUnavailable:
                // Shipyard itself answers 503 for one model still loading there: fall back for this request only.
                LogUnreachable(_logger, UrlRedaction.Redact(_options.Url!), "status 503");
                response.Dispose();
                return (ForwardOutcome.Unreachable, null);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                LogKeyRefused(_logger, UrlRedaction.Redact(_options.Url!), (int)response.StatusCode);
                response.Dispose();
                return (ForwardOutcome.KeyRefused, null);
            default:
                return (ForwardOutcome.Answered, response);
        }
    }

    private void Break() => Volatile.Write(ref _unreachableUntil, Environment.TickCount64 + (long)_options.BreakDuration.TotalMilliseconds);

    /// <summary>
    /// The GPU app's URL for this request: same path; the query of <c>GPU_APP_URL</c> (a gateway's <c>?sig=</c>, say)
    /// followed by the request's, minus the caller's <c>code</c> key; no user information (sent as a header instead).
    /// </summary>
    private Uri Target(HttpRequest request)
    {
        var requestQuery = request.Query
            .Where(p => !string.Equals(p.Key, "code", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? string.Empty)}"));
        var query = string.Join('&', requestQuery.Prepend(_baseQuery).Where(part => part.Length > 0));
        var path = new Uri(_baseUrl!, request.PathBase + request.Path);
        return new UriBuilder(path) { Query = query }.Uri;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "GPU app {Url} unreachable ({Reason}); cuda models with prefer-gpu are scored here on the CPU, require models answer 503.")]
    private static partial void LogUnreachable(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "GPU app {Url} refused GPU_APP_KEY with status {Status}: check that it lists the key in Shipyard__Auth__FunctionKeys.")]
    private static partial void LogKeyRefused(ILogger logger, string url, int status);
}
