using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Shipyard.Http.Errors;

namespace Shipyard.Functions.Http;

/// <summary>
/// What the server's exception handler does, for HTTP functions: an exception a caller caused (invalid input, unknown
/// model, body too large, …) becomes the same problem+json answer (<see cref="ProblemExceptionHandler.ToResult"/>)
/// instead of a failed invocation, which the host would answer with a bare 500. Server faults still fail the invocation.
/// </summary>
internal sealed class HttpProblemMiddleware : IFunctionsWorkerMiddleware
{
    /// <inheritdoc />
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (context.GetHttpContext() is { Response.HasStarted: false } http
            && ProblemExceptionHandler.ToResult(http, e) is { } answer)
        {
            context.GetInvocationResult().Value = answer;
        }
    }
}
