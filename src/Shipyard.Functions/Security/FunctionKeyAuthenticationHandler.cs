using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Shipyard.Functions.CustomHandler;

namespace Shipyard.Functions.Security;

/// <summary>
/// Authenticates callers the way Azure Functions does: a key in header <c>x-functions-key</c> or query <c>code</c>,
/// compared in constant time with <see cref="AuthOptions"/>. Under the Functions host (custom handler mode) the host
/// has already checked the key against the function's authLevel, so requests are trusted as it forwarded them.
/// Keys are never logged; the caller id is a short hash of the key.
/// </summary>
public sealed class FunctionKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "FunctionKey";

    /// <summary>The header Azure Functions clients send the key in.</summary>
    public const string KeyHeader = "x-functions-key";

    /// <summary>The query parameter Azure Functions clients send the key in.</summary>
    public const string KeyQuery = "code";

    private readonly IOptionsMonitor<AuthOptions> _auth;
    private readonly IHostEnvironment _environment;
    private readonly CustomHandlerEnvironment _customHandler;
    private readonly IConfiguration _configuration;

    /// <summary>Creates the handler (DI).</summary>
    public FunctionKeyAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        IOptionsMonitor<AuthOptions> auth,
        IHostEnvironment environment,
        CustomHandlerEnvironment customHandler,
        IConfiguration configuration)
        : base(options, logger, encoder)
    {
        _configuration = configuration;
        _auth = auth;
        _environment = environment;
        _customHandler = customHandler;
    }

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (_customHandler.IsActive)
        {
            // The Functions host checked the key for the function's authLevel before forwarding (and we listen on loopback only).
            // A non-proxied invocation says which function it came through; proxied requests came through the function owning the route.
            var level = Context.Items[HttpTriggerInvocationMiddleware.TrustedLevelItem] as string ?? ShipyardRoles.Admin;
            return Task.FromResult(Success("functions-host", level == ShipyardRoles.Admin));
        }

        var key = ReadKey(Request);
        var options = _auth.CurrentValue;
        if (key is null)
        {
            return Task.FromResult(AnonymousAllowed(options) ? Anonymous("anonymous:" + RemoteId(Context)) : AuthenticateResult.NoResult());
        }

        if (options.AdminKey is { Length: > 0 } adminKey && KeyEquals(key, adminKey))
        {
            return Task.FromResult(Success(CallerId(key), admin: true));
        }

        foreach (var functionKey in FunctionKeyList(options).Concat(FunctionKeyList(_configuration[AuthOptions.Section + ":FunctionKeys"])))
        {
            if (KeyEquals(key, functionKey))
            {
                return Task.FromResult(Success(CallerId(key), admin: false));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("The key sent in x-functions-key or code is not a valid key."));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "FunctionKey realm=\"shipyard\", header=\"x-functions-key\"";
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // The policy evaluator forbids whenever authentication "succeeded", which includes an allowed anonymous caller;
        // a caller that sent no key must be told to send one (401 challenge), not that its key lacks rights (403).
        if (Context.User.Identity?.IsAuthenticated != true)
        {
            return HandleChallengeAsync(properties);
        }

        return base.HandleForbiddenAsync(properties);
    }

    /// <summary>The function keys, with comma- or semicolon-separated entries split.</summary>
    internal static IEnumerable<string> FunctionKeyList(AuthOptions options) => options.FunctionKeys.SelectMany(FunctionKeyList);

    /// <summary>
    /// Keys in one configuration value separated by commas or semicolons. A plain <c>Shipyard__Auth__FunctionKeys=a,b</c>
    /// is a scalar the options binder cannot put in a list, so it is read here as well.
    /// </summary>
    internal static IEnumerable<string> FunctionKeyList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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

    /// <summary>A loggable id for a key: "key:" and the first 12 hex digits of its SHA-256.</summary>
    internal static string CallerId(string key) =>
        "key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 6);

    private bool AnonymousAllowed(AuthOptions options) =>
        options.AllowAnonymous ?? (_environment.IsDevelopment() && IsLoopback(Context));

    private static bool IsLoopback(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;

        // TestServer has no connection; treat it as in-process (loopback).
        return remote is null || IPAddress.IsLoopback(remote) || (remote.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(remote.MapToIPv4()));
    }

    private static string RemoteId(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "local";

    // Hash both sides so the comparison time does not depend on the key length either.
    private static bool KeyEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    // An allowed anonymous caller holds the caller role but is not authenticated, so an admin route challenges (401, "send
    // the admin key") rather than forbids (403).
    private static AuthenticateResult Anonymous(string callerId)
    {
        var claims = new List<Claim>(2) { new(ShipyardRoles.CallerIdClaim, callerId), new(ClaimTypes.Role, ShipyardRoles.Caller) };
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: null, ShipyardRoles.CallerIdClaim, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static AuthenticateResult Success(string callerId, bool admin)
    {
        var claims = new List<Claim>(3) { new(ShipyardRoles.CallerIdClaim, callerId), new(ClaimTypes.Role, ShipyardRoles.Caller) };
        if (admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, ShipyardRoles.Admin));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ShipyardRoles.CallerIdClaim, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
