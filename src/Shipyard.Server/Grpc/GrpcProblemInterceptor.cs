using Grpc.Core;
using Grpc.Core.Interceptors;
using Shipyard.Http.Errors;

namespace Shipyard.Server.Grpc;

/// <summary>
/// Turns the exceptions a caller can cause into gRPC statuses with the same answer REST gives as problem+json
/// (<see cref="ProblemExceptionHandler.Map"/>: one mapping for both), so bad input is InvalidArgument naming every bad
/// field, never Internal. The code is <see cref="GrpcStatusResponse.FromHttp"/> of the REST status; the message is the
/// problem's detail. Server faults stay unmapped (Grpc.AspNetCore answers Unknown and logs them).
/// </summary>
internal sealed class GrpcProblemInterceptor : Interceptor
{
    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        Task<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } rpc)
        {
            throw rpc;
        }

        // Most calls complete synchronously or succeed: no state machine for them.
        return call.IsCompletedSuccessfully ? call : AwaitAsync(call, context);
    }

    private static async Task<TResponse> AwaitAsync<TResponse>(Task<TResponse> call, ServerCallContext context)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    /// <summary>The gRPC answer for an exception a caller caused (or a cancelled call), or null for a server fault.</summary>
    private static RpcException? Map(Exception exception, ServerCallContext context) => exception switch
    {
        RpcException => null,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled by the client or exceeded its time limit (Shipyard:Http:RequestTimeout).")),
        _ when ProblemExceptionHandler.Map(exception) is { } problem => ToRpc(problem.Status, problem.Title, problem.Detail),
        _ => null,
    };

    /// <summary>The longest status message sent (characters); the rest of a longer one is cut and marked "…".</summary>
    public const int MaxMessageChars = 4096;

    /// <summary>The exception that answers a problem of <paramref name="status"/> over gRPC.</summary>
    public static RpcException ToRpc(int status, string title, string detail)
    {
        var trailers = new Metadata();
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            trailers.Add("retry-after", "5"); // as REST's Retry-After
        }

        // The status message travels in a trailer, and clients refuse metadata past 8-16 KiB: cut a long list of problems.
        return new RpcException(new Status(GrpcStatusResponse.FromHttp(status), UserText.Shorten(string.IsNullOrEmpty(detail) ? title : detail, MaxMessageChars)), trailers);
    }
}
