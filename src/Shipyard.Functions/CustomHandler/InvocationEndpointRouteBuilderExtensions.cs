using System.Text.Json;
using Shipyard.Functions.Hosting;
using Shipyard.Functions.Security;

namespace Shipyard.Functions.CustomHandler;

/// <summary>
/// Maps non-HTTP functions (blob, timer, queue triggers) of the custom handler: the Functions host POSTs
/// <c>/{FunctionName}</c> with an <see cref="InvocationRequest"/> and reads an <see cref="InvocationResponse"/>.
/// Usage: <c>app.MapInvocation("BatchScore", BatchScoreFunction.RunAsync);</c>
/// </summary>
public static partial class InvocationEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /{functionName}</c> to <paramref name="handler"/>:
    /// malformed payload → 400 with the reason in <c>Logs</c>; handler success → 200 with its outputs and logs;
    /// handler exception → 500 with the exception message in <c>Logs</c> (the host then treats the invocation as failed
    /// and applies the trigger's retry policy). No request time limit: the host's <c>functionTimeout</c> applies. Standalone (no Functions host) the route needs the admin key,
    /// because it runs work a caller should not trigger.
    /// </summary>
    public static RouteHandlerBuilder MapInvocation(this IEndpointRouteBuilder endpoints, string functionName, InvocationHandler handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        ArgumentNullException.ThrowIfNull(handler);
        if (functionName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Function name '{functionName}' must not contain '/'.", nameof(functionName));
        }

        return endpoints.MapPost("/" + functionName, (Func<HttpContext, Task<IResult>>)(http => InvokeAsync(functionName, handler, http)))
            .WithName("Invoke" + functionName)
            .WithTags("Functions")
            .RequireAuthorization(ShipyardRoles.AdminPolicy)
            .DisableRateLimiting()
            .WithTimeLimit(RequestTimeLimit.None) // the host's functionTimeout governs: a large batch may take minutes
            .ExcludeFromDescription();
    }

    private static async Task<IResult> InvokeAsync(string functionName, InvocationHandler handler, HttpContext http)
    {
        InvocationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<InvocationRequest>(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return TypedResults.Json(InvocationResponse.FromLogs($"{functionName}: the invocation payload is not valid JSON: {e.Message}"), statusCode: 400);
        }

        if (request is null)
        {
            return TypedResults.Json(InvocationResponse.FromLogs($"{functionName}: expected {{\"Data\":{{…}},\"Metadata\":{{…}}}}."), statusCode: 400);
        }

        var context = new InvocationContext(functionName, http);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Shipyard.Functions.Invocation");
        try
        {
            var response = await handler(request, context).ConfigureAwait(false) ?? new InvocationResponse(new Dictionary<string, object?>(), [], null);
            return TypedResults.Json(response with { Logs = [.. response.Logs, .. context.Logs] });
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The host must get an answer whatever failed; it decides about retries.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(logger, e, functionName);
            context.Log($"{functionName} failed: {e.GetType().Name}: {e.Message}");
            return TypedResults.Json(InvocationResponse.FromLogs([.. context.Logs]), statusCode: 500);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
