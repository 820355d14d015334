using Microsoft.AspNetCore.Authentication;

namespace Shipyard.Functions.Security;

/// <summary>
/// The function-key authentication scheme, for whatever asks ASP.NET Core's authentication service: it authenticates
/// with <see cref="FunctionKeyAuthenticator"/>, and answers challenges (401 naming the header) and forbids (403). Shipyard's
/// own policies authenticate through <see cref="RolePolicyEvaluator"/> without it; their challenges and forbids come here.
/// Resolved from DI per request.
/// </summary>
public sealed class FunctionKeyAuthenticationHandler : IAuthenticationHandler
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "FunctionKey";

    /// <summary>The header Azure Functions clients send the key in.</summary>
    public const string KeyHeader = "x-functions-key";

    /// <summary>The query parameter Azure Functions clients send the key in.</summary>
    public const string KeyQuery = "code";

    private readonly FunctionKeyAuthenticator _authenticator;
    private HttpContext _context = null!;

    /// <summary>Creates the handler (DI, one per request).</summary>
    public FunctionKeyAuthenticationHandler(FunctionKeyAuthenticator authenticator)
    {
        _authenticator = authenticator;
    }

    /// <inheritdoc />
    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AuthenticateResult> AuthenticateAsync() => _authenticator.AuthenticateAsync(_context);

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
}
