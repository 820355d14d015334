using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Shipyard.Http.Security;

namespace Shipyard.Server.Security;

/// <summary>Registers function-key authentication and the caller/admin policies.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="ShipyardRoles"/> policies, evaluated by <see cref="RolePolicyEvaluator"/> (which authenticates
    /// with <see cref="FunctionKeyAuthenticator"/>) and answered by <see cref="FunctionKeyChallenge"/>. No ASP.NET Core
    /// authentication services: nothing else authenticates, and they would bring Data Protection's key ring (read, and on a
    /// fresh machine created, at every start: ~70 ms of cold start) for keys a function-key scheme never uses.
    /// </summary>
    public static IServiceCollection AddShipyardSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton<AuthenticationResultCache>();
        services.AddSingleton<FunctionKeyAuthenticator>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ShipyardRoles.CallerPolicy, p => p.AddAuthenticationSchemes(FunctionKeyAuthenticator.SchemeName).RequireRole(ShipyardRoles.Caller))
            .AddPolicy(ShipyardRoles.AdminPolicy, p => p.AddAuthenticationSchemes(FunctionKeyAuthenticator.SchemeName).RequireRole(ShipyardRoles.Admin));
        services.AddTransient<PolicyEvaluator>();
        services.AddSingleton<IPolicyEvaluator, RolePolicyEvaluator>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, FunctionKeyChallenge>();
        return services;
    }
}
