using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Shipyard.Server.Grpc;

namespace Shipyard.Server.Security;

/// <summary>
/// What a refused caller is told (the authorization middleware's result handler): 401 with
/// <c>WWW-Authenticate: FunctionKey …</c> naming the header to send a key in, or 403 when the caller's key is valid but
/// lacks the role (a function key on an admin route). A caller without a key is always told to send one, also when the
/// policy "forbids" an allowed anonymous caller. Status-code pages turn both into problem+json. gRPC calls get the same
/// answers as gRPC statuses: Unauthenticated or PermissionDenied with the reason (<see cref="GrpcStatusResponse"/>). A singleton.
/// </summary>
public sealed class FunctionKeyChallenge : IAuthorizationMiddlewareResultHandler
{
    /// <summary>The challenge sent with 401.</summary>
    public const string Challenge = "FunctionKey realm=\"shipyard\", header=\"x-functions-key\"";

    /// <inheritdoc />
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            return next(context);
        }

        var forbidden = authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true;
        if (GrpcStatusResponse.IsGrpc(context.Request))
        {
            GrpcStatusResponse.Write(context.Response, forbidden ? StatusCode.PermissionDenied : StatusCode.Unauthenticated, GrpcMessage(context, forbidden));
            return Task.CompletedTask;
        }

        if (forbidden)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = Challenge;
        }

        return Task.CompletedTask;
    }

    // The reason in words for a gRPC client, which has no WWW-Authenticate header or problem body to read.
    private static string GrpcMessage(HttpContext context, bool forbidden) =>
        forbidden ? "The key is valid but lacks the role this call needs."
        : FunctionKeyAuthenticator.ReadKey(context.Request) is null ? "A key is required: send a function key in the x-functions-key metadata."
        : "The key sent in x-functions-key is not a valid key.";
}
