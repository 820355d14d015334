using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Server.Security;
using Shipyard.Http.Security;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Security;

/// <summary>
/// The app authorizes with <see cref="RolePolicyEvaluator"/>, and for every kind of caller and both Shipyard policies it
/// reaches exactly the outcome of ASP.NET Core's own <see cref="PolicyEvaluator"/>.
/// </summary>
public sealed class RolePolicyEvaluatorTests : IDisposable
{
    private readonly ShipyardApplicationFactory _app = new(ShipyardApplicationFactory.WithKeys());

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var caller in new[] { "none", "anonymous", "caller", "admin", "other-scheme" })
        {
            foreach (var policy in new[] { ShipyardRoles.CallerPolicy, ShipyardRoles.AdminPolicy })
            {
                data.Add(caller, policy);
            }
        }

        return data;
    }

    [Fact]
    public void TheAppResolvesIt() =>
        Assert.IsType<RolePolicyEvaluator>(_app.Services.CreateScope().ServiceProvider.GetRequiredService<IPolicyEvaluator>());

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SameOutcomeAsTheFrameworkEvaluator(string caller, string policyName)
    {
        using var scope = _app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var policy = (await services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policyName))!;
        var (principal, authentication) = Caller(caller);
        var context = new DefaultHttpContext { RequestServices = services, User = principal };

        var ours = await services.GetRequiredService<IPolicyEvaluator>().AuthorizeAsync(policy, authentication, context, resource: null);
        var framework = await services.GetRequiredService<PolicyEvaluator>().AuthorizeAsync(policy, authentication, context, resource: null);

        Assert.Equal((framework.Succeeded, framework.Challenged, framework.Forbidden), (ours.Succeeded, ours.Challenged, ours.Forbidden));
    }

    [Theory]
    [InlineData(ShipyardApplicationFactory.FunctionKey, true)]
    [InlineData("not-a-key", false)]
    [InlineData(null, false)]
    public async Task AuthenticateAsync_PolicyNamingNoScheme_AuthenticatesWithTheFunctionKey(string? key, bool authenticated)
    {
        // The function key is the only scheme, so a plain RequireAuthorization() or [Authorize] uses it too.
        using var scope = _app.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        if (key is not null)
        {
            context.Request.Headers[FunctionKeyAuthenticator.KeyHeader] = key;
        }

        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        var result = await scope.ServiceProvider.GetRequiredService<IPolicyEvaluator>().AuthenticateAsync(policy, context);

        Assert.Equal(authenticated, result.Succeeded);
        Assert.Equal(authenticated, context.User.FindFirst(ShipyardRoles.CallerIdClaim) is not null);
    }

    public void Dispose() => _app.Dispose();

    private static (ClaimsPrincipal, AuthenticateResult) Caller(string kind)
    {
        ClaimsPrincipal Principal(string? authenticationType, params string[] roles) =>
            new(new ClaimsIdentity(roles.Select(r => new Claim(ClaimTypes.Role, r)), authenticationType, ShipyardRoles.CallerIdClaim, ClaimTypes.Role));
        AuthenticateResult Success(ClaimsPrincipal p) => AuthenticateResult.Success(new AuthenticationTicket(p, FunctionKeyAuthenticator.SchemeName));

        return kind switch
        {
            "none" => (new ClaimsPrincipal(new ClaimsIdentity()), AuthenticateResult.NoResult()),
            "anonymous" => Principal(null, ShipyardRoles.Caller) is var a ? (a, Success(a)) : default,
            "caller" => Principal(FunctionKeyAuthenticator.SchemeName, ShipyardRoles.Caller) is var c ? (c, Success(c)) : default,
            "admin" => Principal(FunctionKeyAuthenticator.SchemeName, ShipyardRoles.Caller, ShipyardRoles.Admin) is var d ? (d, Success(d)) : default,
            _ => Principal("Other", "reader") is var o ? (o, Success(o)) : default,
        };
    }
}
