using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Shipyard.Server.Security;
using Xunit;

namespace Shipyard.Server.Tests.Security;

public sealed class AuthenticationResultCacheTests
{
    // Short, non-ASCII, and longer than the 256 bytes hashed on the stack (a pooled buffer then).
    private const string Short = "k1";
    private const string Accented = "clé-ñandú-🔑";
    private static readonly string Long = new string('a', 5000) + "z";

    [Fact]
    public void ForKey_MatchesEachConfiguredKey_OfAnyLength()
    {
        var cache = Cache(admin: Long, functionKeys: [Short, Accented]);

        Assert.True(IsAdmin(cache.ForKey(Long)));
        Assert.False(IsAdmin(cache.ForKey(Short)));
        Assert.False(IsAdmin(cache.ForKey(Accented)));
        Assert.NotSame(cache.ForKey(Short), cache.ForKey(Accented));
    }

    [Fact]
    public void ForKey_RefusesKeysThatDifferAnywhere()
    {
        var cache = Cache(admin: Long, functionKeys: [Short, Accented]);

        Assert.Null(cache.ForKey(new string('a', 5000) + "y")); // the last byte of a long key
        Assert.Null(cache.ForKey(Long[..^1]));
        Assert.Null(cache.ForKey("clé-ñandú-🔒"));
        Assert.Null(cache.ForKey(""));
    }

    private static bool IsAdmin(Task<Microsoft.AspNetCore.Authentication.AuthenticateResult>? result) =>
        Assert.IsType<Microsoft.AspNetCore.Authentication.AuthenticateResult>(result?.Result).Principal!.IsInRole(Shipyard.Http.Security.ShipyardRoles.Admin);

    private static AuthenticationResultCache Cache(string admin, string[] functionKeys)
    {
        var configuration = new ConfigurationBuilder().Build();
        var monitor = new FixedMonitor(new AuthOptions { AdminKey = admin, FunctionKeys = functionKeys });
        return new AuthenticationResultCache(monitor, configuration);
    }

    private sealed class FixedMonitor(AuthOptions value) : IOptionsMonitor<AuthOptions>
    {
        public AuthOptions CurrentValue => value;

        public AuthOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AuthOptions, string?> listener) => null;
    }
}
