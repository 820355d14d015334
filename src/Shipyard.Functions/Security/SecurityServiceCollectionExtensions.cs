using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Shipyard.Functions.Security;

/// <summary>Registers function-key authentication and the caller/admin policies.</summary>
public static class SecurityServiceCollectionExtensions
{
    private const string DataProtectionHostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>Adds <see cref="FunctionKeyAuthenticationHandler"/> as the default scheme and the <see cref="ShipyardRoles"/> policies.</summary>
    public static IServiceCollection AddShipyardSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton<CallerTickets>();
        services.AddSingleton<FunctionKeyAuthenticator>();
        services.AddTransient<FunctionKeyAuthenticationHandler>(); // resolved from DI per request, not built by reflection
        services.AddAuthentication(authentication =>
        {
            authentication.AddScheme<FunctionKeyAuthenticationHandler>(FunctionKeyAuthenticationHandler.SchemeName, displayName: null);
            authentication.DefaultScheme = FunctionKeyAuthenticationHandler.SchemeName;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ShipyardRoles.CallerPolicy, p => p.AddAuthenticationSchemes(FunctionKeyAuthenticationHandler.SchemeName).RequireRole(ShipyardRoles.Caller))
            .AddPolicy(ShipyardRoles.AdminPolicy, p => p.AddAuthenticationSchemes(FunctionKeyAuthenticationHandler.SchemeName).RequireRole(ShipyardRoles.Admin));
        services.AddTransient<PolicyEvaluator>();
        services.AddSingleton<IPolicyEvaluator, RolePolicyEvaluator>();

        // AddAuthentication brings ASP.NET Core Data Protection along for cookie schemes; its hosted service reads (and on
        // a fresh machine creates) a key ring at every start, ~70 ms of cold start for keys the function-key scheme never uses.
        var keyRingLoader = services.FirstOrDefault(descriptor => descriptor.ServiceType == typeof(IHostedService)
            && descriptor.ImplementationType?.FullName == DataProtectionHostedService);
        if (keyRingLoader is not null)
        {
            services.Remove(keyRingLoader);
        }
        return services;
    }
}
