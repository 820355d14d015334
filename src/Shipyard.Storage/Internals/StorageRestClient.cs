using System.Globalization;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Shipyard.Storage.Internals;

/// <summary>
/// The HTTP side shared by the Blob and Queue clients: one Azure.Core pipeline (retries with backoff, logging,
/// Shared Key or bearer-token auth), request building under a service endpoint, and service errors turned into
/// <see cref="RequestFailedException"/> carrying <c>x-ms-error-code</c>.
/// </summary>
internal sealed class StorageRestClient
{
    private readonly HttpPipeline _pipeline;
    private readonly string _version;

    public StorageRestClient(Uri endpoint, StorageConnection connection, StorageClientOptions options)
    {
        Endpoint = new Uri(endpoint.ToString().TrimEnd('/'));
        Options = options;
        _version = options.ServiceVersion;
        HttpPipelinePolicy auth = connection.AccountKey is { } key
            ? new SharedKeyPolicy(connection.AccountName ?? throw new ArgumentException("Shared Key access needs the account name."), key)
            : new BearerTokenAuthenticationPolicy(connection.Credential ?? throw new ArgumentException("The storage connection has neither an account key nor a credential."), StorageConnection.TokenScope);
        _pipeline = HttpPipelineBuilder.Build(options, [], [auth], new ResponseClassifier());
    }

    public Uri Endpoint { get; }

    public StorageClientOptions Options { get; }

    /// <summary>A request to <c>{endpoint}/{path}</c>; <paramref name="path"/> is already escaped.</summary>
    public HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(Endpoint);
        if (path.Length > 0)
        {
            request.Uri.AppendPath("/" + path, escape: false);
        }

        request.Headers.SetValue("x-ms-version", _version);
        return message;
    }

    public async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    /// <summary>Escapes each '/'-separated segment of a blob name for the URL path.</summary>
    public static string EscapePath(string container, string? name) =>
        name is null ? container : container + "/" + string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    public static async Task<RequestFailedException> CreateExceptionAsync(Response response, CancellationToken cancellationToken)
    {
        var code = response.Headers.TryGetValue("x-ms-error-code", out var header) ? header : null;
        var detail = string.Empty;
        if (response.ContentStream is { } body)
        {
            try
            {
                // Storage errors are <Error><Code/><Message/></Error>.
                var xml = await XDocument.LoadAsync(body, LoadOptions.None, cancellationToken).ConfigureAwait(false);
                code ??= xml.Root?.Element("Code")?.Value;
                detail = xml.Root?.Element("Message")?.Value.Split('\n')[0].Trim() ?? string.Empty;
            }
            catch (System.Xml.XmlException)
            {
                // Not XML (a proxy's error page); the status and code still say what happened.
            }
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"Storage request failed: {response.Status} {response.ReasonPhrase}{(code is null ? string.Empty : $" ({code})")}{(detail.Length > 0 ? ": " + detail : string.Empty)}");
        return new RequestFailedException(response.Status, message, code, null);
    }

    public static string? ErrorCode(Response response) => response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null;
}
