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
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled by the client or exceeded its time limit (Shipyard:Http:RequestTimeout)."));
        }
        catch (Exception ex) when (ex is not RpcException && ProblemExceptionHandler.Map(ex) is { } problem)
        {
            throw ToRpc(problem.Status, problem.Title, problem.Detail);
        }
    }

    /// <summary>The exception that answers a problem of <paramref name="status"/> over gRPC.</summary>
    public static RpcException ToRpc(int status, string title, string detail)
    {
        var trailers = new Metadata();
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            trailers.Add("retry-after", "5"); // as REST's Retry-After
        }

        return new RpcException(new Status(GrpcStatusResponse.FromHttp(status), string.IsNullOrEmpty(detail) ? title : detail), trailers);
    }
}
