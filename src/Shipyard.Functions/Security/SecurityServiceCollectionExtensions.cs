using Microsoft.AspNetCore.Authentication;

namespace Shipyard.Functions.Security;

/// <summary>Registers function-key authentication and the caller/admin policies.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>Adds <see cref="FunctionKeyAuthenticationHandler"/> as the default scheme and the <see cref="ShipyardRoles"/> policies.</summary>
    public static IServiceCollection AddShipyardSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddAuthentication(FunctionKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, FunctionKeyAuthenticationHandler>(FunctionKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ShipyardRoles.CallerPolicy, p => p.RequireRole(ShipyardRoles.Caller))
            .AddPolicy(ShipyardRoles.AdminPolicy, p => p.RequireRole(ShipyardRoles.Admin));
        return services;
    }
}
