using Microsoft.Extensions.Options;
using Shipyard.Http.Hosting;

namespace Shipyard.Server.Hosting;

/// <summary>
/// Gives each request the time its endpoint allows (<see cref="RequestTimeLimit"/>): its <c>RequestAborted</c> is
/// cancelled when the time is up (<see cref="RequestDeadlines"/>) and, if nothing has been sent yet, the answer is 503
/// (status-code pages turn it into problem+json). Runs after routing, which picks the endpoint.
/// </summary>
internal sealed partial class RequestTimeLimitMiddleware(RequestDelegate next, RequestDeadlines deadlines, IOptions<HttpServerOptions> options, ILogger<RequestTimeLimitMiddleware> logger)
{
    private readonly TimeSpan _request = options.Value.RequestTimeout;
    private readonly TimeSpan _upload = options.Value.UploadTimeout;

    public Task InvokeAsync(HttpContext context)
    {
        var timeout = context.GetEndpoint()?.Metadata.GetMetadata<RequestTimeLimitMetadata>()?.Limit switch
        {
            RequestTimeLimit.Upload => _upload,
            _ => _request,
        };

        return timeout > TimeSpan.Zero ? WithDeadlineAsync(context, timeout) : next(context);
    }

    private async Task WithDeadlineAsync(HttpContext context, TimeSpan timeout)
    {
        var original = context.RequestAborted;
        var deadline = deadlines.Start(timeout, original);
        context.RequestAborted = deadline.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.TimedOut && !context.Response.HasStarted)
        {
            LogTimedOut(logger, context.Request.Method, context.Request.Path, timeout);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
        finally
        {
            deadlines.Finish(deadline);
            context.RequestAborted = original;
        }
    }

    // The path only: a query string may carry a key (code=…).
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} exceeded its time limit of {Timeout} and was answered 503.")]
    private static partial void LogTimedOut(ILogger logger, string method, PathString path, TimeSpan timeout);
}
