using System.Runtime.CompilerServices;
using OpenTelemetry.Trace;
using Shipyard.Http.Telemetry;

namespace Shipyard.Server.Telemetry;

/// <summary>Request telemetry of the standalone server (the GPU container app), which no host records for it.</summary>
public static class RequestTelemetryServiceCollectionExtensions
{
    /// <summary>
    /// With Application Insights configured, records every request as request telemetry (<c>requests</c>: success,
    /// duration, cloud_RoleName), which the failed-request and p95 alert rules query per app (infra/modules/alerts.bicep).
    /// Under the Functions host the host records requests, so the function app does not call this. The instrumentation
    /// replaces every query value with <c>Redacted</c>, so a key sent as <c>?code=</c> never reaches telemetry.
    /// </summary>
    public static IServiceCollection AddShipyardRequestTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        return TelemetryServiceCollectionExtensions.IsConfigured(configuration) ? AddAspNetCoreInstrumentation(services) : services;
    }

    // Not inlined: OpenTelemetry's assemblies load only when telemetry is on.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IServiceCollection AddAspNetCoreInstrumentation(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddAspNetCoreInstrumentation());
}
