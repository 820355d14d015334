using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Shipyard.Http.Security;

namespace Shipyard.Server.Security;

/// <summary>
/// The outcomes <see cref="FunctionKeyAuthenticator"/> can give, built once instead of per request: the SHA-256
/// of every configured key and, per key, the finished authentication result (principal, caller id, roles). Rebuilt when
/// <see cref="AuthOptions"/> change (configuration reload). The principals are shared by every request they
/// authenticate, so nothing may mutate them (nothing in Shipyard or ASP.NET Core's pipeline does).
/// </summary>
public sealed class AuthenticationResultCache
{
    private readonly IOptionsMonitor<AuthOptions> _auth;
    private readonly IConfiguration _configuration;
    private volatile Snapshot _snapshot;

    /// <summary>Creates the cache (DI singleton).</summary>
    public AuthenticationResultCache(IOptionsMonitor<AuthOptions> auth, IConfiguration configuration)
    {
        _auth = auth;
        _configuration = configuration;
        _snapshot = Build(auth.CurrentValue);
    }

    /// <summary>An allowed anonymous caller: the caller role, no caller id (rate limits then count its remote address).</summary>
    public Task<AuthenticateResult> Anonymous { get; } = Task.FromResult(Result(callerId: null, admin: false, authenticated: false));

    /// <summary>The current options (the authenticator reads <see cref="AuthOptions.AllowAnonymous"/> from them).</summary>
    public AuthOptions Options => Current.Options;

    private Snapshot Current
    {
        get
        {
            var options = _auth.CurrentValue;
            var snapshot = _snapshot;
            return ReferenceEquals(snapshot.Options, options) ? snapshot : _snapshot = Build(options);
        }
    }

    /// <summary>The result for a presented key: the admin key's, a function key's, or null when it matches none.
    /// Hashing both sides makes the comparison time independent of the keys' lengths and contents.</summary>
    public Task<AuthenticateResult>? ForKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var snapshot = Current;
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(key, presented);
        Task<AuthenticateResult>? match = null;
        foreach (var (hash, result) in snapshot.Keys)
        {
            // Every configured key is compared, so the time does not tell which one matched.
            if (CryptographicOperations.FixedTimeEquals(presented, hash) && match is null)
            {
                match = result;
            }
        }

        return match;
    }

    // SHA-256 of the key's UTF-8 bytes, encoded on the stack (or in a pooled array for an unusually long header) rather
    // than in a new array per request; the bytes are cleared after hashing.
    private static void Hash(string key, Span<byte> hash)
    {
        const int StackBytes = 256;
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = max > StackBytes ? ArrayPool<byte>.Shared.Rent(max) : null;
        var utf8 = rented ?? stackalloc byte[StackBytes];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..length], hash);
        CryptographicOperations.ZeroMemory(utf8[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A loggable id for a key: "key:" and the first 12 hex digits of its SHA-256.</summary>
    internal static string CallerId(byte[] keyHash) => "key:" + Convert.ToHexStringLower(keyHash, 0, 6);

    /// <summary>The function keys, with comma- or semicolon-separated entries split.</summary>
    internal static IEnumerable<string> FunctionKeyList(AuthOptions options) => options.FunctionKeys.SelectMany(FunctionKeyList);

    /// <summary>
    /// Keys in one configuration value separated by commas or semicolons. A plain <c>Shipyard__Auth__FunctionKeys=a,b</c>
    /// is a scalar the options binder cannot put in a list, so it is read here as well.
    /// </summary>
    internal static IEnumerable<string> FunctionKeyList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private Snapshot Build(AuthOptions options)
    {
        var keys = new List<(byte[], Task<AuthenticateResult>)>();
        if (options.AdminKey is { Length: > 0 } adminKey)
        {
            keys.Add(Entry(adminKey, admin: true));
        }

        foreach (var functionKey in FunctionKeyList(options).Concat(FunctionKeyList(_configuration[AuthOptions.Section + ":FunctionKeys"])))
        {
            keys.Add(Entry(functionKey, admin: false));
        }

        return new Snapshot(options, [.. keys]);
    }

    private static (byte[] Hash, Task<AuthenticateResult> Result) Entry(string key, bool admin)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return (hash, Task.FromResult(Result(CallerId(hash), admin, authenticated: true)));
    }

    // An allowed anonymous caller holds the caller role but is not authenticated (no authentication type), so an admin
    // route challenges (401, "send the admin key") rather than forbids (403).
    private static AuthenticateResult Result(string? callerId, bool admin, bool authenticated)
    {
        var claims = new List<Claim>(3) { new(ClaimTypes.Role, ShipyardRoles.Caller) };
        if (callerId is not null)
        {
            claims.Add(new Claim(ShipyardRoles.CallerIdClaim, callerId));
        }

        if (admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, ShipyardRoles.Admin));
        }

        var identity = new ClaimsIdentity(claims, authenticated ? FunctionKeyAuthenticator.SchemeName : null, ShipyardRoles.CallerIdClaim, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), FunctionKeyAuthenticator.SchemeName));
    }

    private sealed record Snapshot(AuthOptions Options, (byte[] Hash, Task<AuthenticateResult> Result)[] Keys);
}
