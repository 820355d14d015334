using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Trace;
using Shipyard.Monitoring;
using Shipyard.Telemetry;

namespace Shipyard.Http.Telemetry;

/// <summary>Registers Application Insights only when a connection string is configured; otherwise nothing is sent.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The setting the Functions host and Azure use for the connection string.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// With <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> set: adds the WorkerService SDK and replaces the domain's
    /// no-op <see cref="IShipyardTelemetry"/> with <see cref="ApplicationInsightsShipyardTelemetry"/>. Without it: no change.
    /// </summary>
    public static IServiceCollection AddShipyardTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        return IsConfigured(configuration) ? AddApplicationInsights(services, configuration[ConnectionStringSetting]!) : services;
    }

    /// <summary>True when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set: the one test of whether telemetry is on.</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]);
    }

    // A method of its own, not inlined: the SDK's and OpenTelemetry's assemblies load only when telemetry is on (an
    // app without it does not pay for them at start).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IServiceCollection AddApplicationInsights(IServiceCollection services, string connectionString)
    {
        services.AddApplicationInsightsTelemetryWorkerService(o =>
        {
            o.ConnectionString = connectionString;

            // 3.x samples traces (rate-limited by default) and drops the logs of a sampled-out trace; custom events
            // are log records there, and the alert rules count every DriftDetected / BatchCompleted: keep them all.
            o.SamplingRatio = 1.0f;
            o.EnableTraceBasedLogsSampler = false;
        });
        // The drift webhook's path may be its secret: masked in dependency telemetry as in logs.
        services.ConfigureOpenTelemetryTracerProvider((sp, tracing) =>
        {
            if (sp.GetService<DriftCheckOptions>()?.WebhookUrl is { } webhook)
            {
                tracing.AddProcessor(new SecretPathRedactionProcessor([webhook]));
            }
        });
        services.RemoveAll<IShipyardTelemetry>();
        services.AddSingleton<IShipyardTelemetry, ApplicationInsightsShipyardTelemetry>();
        return services;
    }
}
