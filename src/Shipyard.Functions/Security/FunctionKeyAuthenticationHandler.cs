using System.Net;
using Microsoft.AspNetCore.Authentication;
using Shipyard.Functions.CustomHandler;

namespace Shipyard.Functions.Security;

/// <summary>
/// Authenticates callers the way Azure Functions does: a key in header <c>x-functions-key</c> or query <c>code</c>,
/// compared in constant time with <see cref="AuthOptions"/>. Under the Functions host (custom handler mode) the host
/// has already checked the key against the function's authLevel, so requests are trusted as it forwarded them.
/// Keys are never logged; the caller id is a short hash of the key. A plain <see cref="IAuthenticationHandler"/>
/// resolved from DI, with its outcomes prepared by <see cref="CallerTickets"/>: a request allocates nothing here.
/// </summary>
public sealed class FunctionKeyAuthenticationHandler : IAuthenticationHandler
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "FunctionKey";

    /// <summary>The header Azure Functions clients send the key in.</summary>
    public const string KeyHeader = "x-functions-key";

    /// <summary>The query parameter Azure Functions clients send the key in.</summary>
    public const string KeyQuery = "code";

    private static readonly Task<AuthenticateResult> NoKey = Task.FromResult(AuthenticateResult.NoResult());

    private readonly CallerTickets _tickets;
    private readonly IHostEnvironment _environment;
    private readonly CustomHandlerEnvironment _customHandler;
    private HttpContext _context = null!;

    /// <summary>Creates the handler (DI, one per request).</summary>
    public FunctionKeyAuthenticationHandler(CallerTickets tickets, IHostEnvironment environment, CustomHandlerEnvironment customHandler)
    {
        _tickets = tickets;
        _environment = environment;
        _customHandler = customHandler;
    }

    /// <inheritdoc />
    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AuthenticateResult> AuthenticateAsync()
    {
        if (_customHandler.IsActive)
        {
            // The Functions host checked the key for the function's authLevel before forwarding (and we listen on loopback only).
            // A non-proxied invocation says which function it came through; proxied requests came through the function owning the route.
            var level = _context.Items[HttpTriggerInvocationMiddleware.TrustedLevelItem] as string ?? ShipyardRoles.Admin;
            return _tickets.FunctionsHost(level == ShipyardRoles.Admin);
        }

        var key = ReadKey(_context.Request);
        if (key is null)
        {
            return AnonymousAllowed(_tickets.Options) ? _tickets.Anonymous : NoKey;
        }

        return _tickets.ForKey(key) ?? Task.FromResult(AuthenticateResult.Fail("The key sent in x-functions-key or code is not a valid key."));
    }

    /// <inheritdoc />
    public Task ChallengeAsync(AuthenticationProperties? properties)
    {
        _context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        _context.Response.Headers.WWWAuthenticate = "FunctionKey realm=\"shipyard\", header=\"x-functions-key\"";
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ForbidAsync(AuthenticationProperties? properties)
    {
        // The policy evaluator forbids whenever authentication "succeeded", which includes an allowed anonymous caller;
        // a caller that sent no key must be told to send one (401 challenge), not that its key lacks rights (403).
        if (_context.User.Identity?.IsAuthenticated != true)
        {
            return ChallengeAsync(properties);
        }

        _context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>The key a request carries (header first, then query), or null.</summary>
    internal static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers[KeyHeader].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var query = request.Query[KeyQuery].ToString();
        return query.Length > 0 ? query : null;
    }

    private bool AnonymousAllowed(AuthOptions options) =>
        options.AllowAnonymous ?? (_environment.IsDevelopment() && IsLoopback(_context));

    private static bool IsLoopback(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;

        // TestServer has no connection; treat it as in-process (loopback).
        return remote is null || IPAddress.IsLoopback(remote) || (remote.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(remote.MapToIPv4()));
    }
}
