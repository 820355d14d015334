using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;
using Shipyard.Functions.Security;

namespace Shipyard.Functions.CustomHandler;

/// <summary>
/// Serves the HTTP functions when the host does not proxy them (<c>enableProxyingHttpRequest: false</c>): the host then
/// POSTs <c>/{FunctionName}</c> with <c>{"Data":{"req":{"Url","Method","Query","Headers","Params","Body"}},"Metadata":{…}}</c>
/// and expects <c>{"Outputs":{"res":{"statusCode","headers","body"}},"Logs":[],"ReturnValue":null}</c>
/// (https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#function-with-bindings).
/// The original request is rebuilt from <c>req</c>, run through the same pipeline and routes, and its response wrapped.
/// Must run before routing. With proxying on (our host.json) the host sends the original request and this is not used.
/// </summary>
public sealed class HttpTriggerInvocationMiddleware
{
    /// <summary>HttpContext item: the authorization level the invocation's function had ("caller" or "admin").</summary>
    public const string TrustedLevelItem = "shipyard.functions-host-level";

    /// <summary>The HTTP functions of this app and the level their function.json requires.</summary>
    public static readonly IReadOnlyDictionary<string, string> HttpFunctions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Health"] = ShipyardRoles.Caller,
        ["Models"] = ShipyardRoles.Caller,
        ["Predict"] = ShipyardRoles.Caller,
        ["KServe"] = ShipyardRoles.Caller,
        ["Admin"] = ShipyardRoles.Admin,
        ["OpenApi"] = ShipyardRoles.Caller,
    };

    // Headers that describe the envelope, not the original request body.
    private static readonly HashSet<string> SkippedRequestHeaders = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "Host" };

    private readonly RequestDelegate _next;

    /// <summary>Creates the middleware.</summary>
    public HttpTriggerInvocationMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    /// <summary>Unwraps an HTTP-trigger invocation, or passes any other request on (without a state machine of its own).</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsHttpInvocation(context.Request, out var level) ? InvokeWrappedAsync(context, level) : _next(context);
    }

    private async Task InvokeWrappedAsync(HttpContext context, string level)
    {
        JsonElement req;
        try
        {
            using var payload = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (payload.RootElement.ValueKind != JsonValueKind.Object
                || !payload.RootElement.TryGetProperty("Data", out var data)
                || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("req", out var found)
                || found.ValueKind != JsonValueKind.Object)
            {
                await WriteInvocationErrorAsync(context, "Data.req: expected the HTTP trigger's request object.").ConfigureAwait(false);
                return;
            }

            req = found.Clone();
        }
        catch (JsonException e)
        {
            await WriteInvocationErrorAsync(context, "body: " + e.Message).ConfigureAwait(false);
            return;
        }

        if (!TryRewriteRequest(context, req, out var error))
        {
            await WriteInvocationErrorAsync(context, error).ConfigureAwait(false);
            return;
        }

        context.Items[TrustedLevelItem] = level;
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        await WriteWrappedResponseAsync(context, buffer).ConfigureAwait(false);
    }

    private static bool IsHttpInvocation(HttpRequest request, out string level)
    {
        level = ShipyardRoles.Caller;
        var path = request.Path.Value;
        return HttpMethods.IsPost(request.Method)
            && path is { Length: > 1 }
            && path.IndexOf('/', 1) < 0
            && HttpFunctions.TryGetValue(path[1..], out level!);
    }

    /// <summary>Replaces method, path, query, headers and body of the current request with the original request's.</summary>
    private static bool TryRewriteRequest(HttpContext context, JsonElement req, out string error)
    {
        error = string.Empty;
        var request = context.Request;
        if (!req.TryGetProperty("Url", out var urlElement) || urlElement.GetString() is not { } url
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            error = "Data.req.Url: expected the absolute URL of the original request.";
            return false;
        }

        request.Method = req.TryGetProperty("Method", out var method) && method.GetString() is { Length: > 0 } m ? m.ToUpperInvariant() : HttpMethods.Get;
        request.Path = PathString.FromUriComponent(uri);
        request.QueryString = uri.Query.Length > 1 ? QueryString.FromUriComponent(uri) : QueryFromElement(req);

        var headers = request.Headers;
        headers.Clear();
        if (req.TryGetProperty("Headers", out var headerElement) && headerElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headerElement.EnumerateObject())
            {
                if (SkippedRequestHeaders.Contains(header.Name))
                {
                    continue;
                }

                headers[header.Name] = header.Value.ValueKind switch
                {
                    JsonValueKind.Array => new StringValues(header.Value.EnumerateArray().Select(v => v.ToString()).ToArray()),
                    _ => header.Value.ToString(),
                };
            }
        }

        var body = req.TryGetProperty("Body", out var bodyElement) ? bodyElement switch
        {
            { ValueKind: JsonValueKind.String } s => Encoding.UTF8.GetBytes(s.GetString()!),
            { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => [],
            var other => Encoding.UTF8.GetBytes(other.GetRawText()),
        }
        : [];
        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        return true;
    }

    // The host also sends the query as a JSON object (or a JSON string of one) in "Query".
    private static QueryString QueryFromElement(JsonElement req)
    {
        if (!req.TryGetProperty("Query", out var query))
        {
            return QueryString.Empty;
        }

        if (query.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var parsed = JsonDocument.Parse(query.GetString()!);
                return QueryFromObject(parsed.RootElement);
            }
            catch (JsonException)
            {
                return QueryString.Empty;
            }
        }

        return QueryFromObject(query);
    }

    private static QueryString QueryFromObject(JsonElement query)
    {
        if (query.ValueKind != JsonValueKind.Object)
        {
            return QueryString.Empty;
        }

        var builder = new QueryBuilder();
        foreach (var property in query.EnumerateObject())
        {
            builder.Add(property.Name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
        }

        return builder.ToQueryString();
    }

    private static async Task WriteWrappedResponseAsync(HttpContext context, MemoryStream buffer)
    {
        var response = context.Response;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in response.Headers)
        {
            headers[name] = value.ToString();
        }

        var statusCode = response.StatusCode;
        var body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var wrapped = new InvocationResponse(
            new Dictionary<string, object?> { ["res"] = new Dictionary<string, object?> { ["statusCode"] = statusCode, ["headers"] = headers, ["body"] = body } },
            [],
            null);

        response.Headers.Clear();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = null;
        await JsonSerializer.SerializeAsync(response.Body, wrapped, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteInvocationErrorAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, InvocationResponse.FromLogs(message), cancellationToken: context.RequestAborted)
            .ConfigureAwait(false);
    }
}
