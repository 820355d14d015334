using System.Net;
using Microsoft.AspNetCore.Authentication;

namespace Shipyard.Server.Security;

/// <summary>
/// Who the caller of a request is, the way Azure Functions decides it: a key in header <c>x-functions-key</c> or query
/// <c>code</c>, compared in constant time with <see cref="AuthOptions"/> (<see cref="AuthenticationResultCache"/>), on every
/// endpoint the server listens on (under the Functions host, the host checks keys and this class is not used).
/// <see cref="RolePolicyEvaluator"/> asks it for Shipyard's policies, which
/// name <see cref="SchemeName"/>; refusals are answered by <see cref="FunctionKeyChallenge"/>. A singleton; keys are
/// never logged, and the caller id is a short hash of the key.
/// </summary>
public sealed class FunctionKeyAuthenticator(AuthenticationResultCache results, IHostEnvironment environment)
{
    /// <summary>The authentication scheme: named by Shipyard's policies and by the identities of authenticated callers.</summary>
    public const string SchemeName = "FunctionKey";

    /// <summary>The header Azure Functions clients send the key in.</summary>
    public const string KeyHeader = "x-functions-key";

    /// <summary>The query parameter Azure Functions clients send the key in.</summary>
    public const string KeyQuery = "code";

    private static readonly Task<AuthenticateResult> NoKey = Task.FromResult(AuthenticateResult.NoResult());
    private static readonly Task<AuthenticateResult> WrongKey = Task.FromResult(AuthenticateResult.Fail("The key sent in x-functions-key or code is not a valid key."));

    /// <summary>The caller of <paramref name="context"/>: an authenticated key, an allowed anonymous caller
    /// (succeeded, not authenticated), no result (no key), or a failure (a key that matches none). Completes at once.</summary>
    public Task<AuthenticateResult> AuthenticateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = ReadKey(context.Request);
        if (key is null)
        {
            return AnonymousAllowed(context) ? results.Anonymous : NoKey;
        }

        return results.ForKey(key) ?? WrongKey;
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

    private bool AnonymousAllowed(HttpContext context) =>
        results.Options.AllowAnonymous ?? (environment.IsDevelopment() && IsLoopback(context));

    private static bool IsLoopback(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;

        // TestServer has no connection; treat it as in-process (loopback).
        return remote is null || IPAddress.IsLoopback(remote) || (remote.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(remote.MapToIPv4()));
    }
}
