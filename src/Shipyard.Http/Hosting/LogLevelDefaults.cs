using Microsoft.Extensions.Configuration.Memory;

namespace Shipyard.Http.Hosting;

/// <summary>Log levels every host of Shipyard starts from, below every other configuration source.</summary>
public static class LogLevelDefaults
{
    /// <summary>The configuration key of ASP.NET Core's log level, Warning unless configured.</summary>
    public const string AspNetCoreLogLevel = "Logging:LogLevel:Microsoft.AspNetCore";

    /// <summary>ASP.NET Core's per-request lines ("Request starting … ?code=…"): they carry the query string.</summary>
    public const string RequestLinesCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// ASP.NET Core at Warning, as the lowest-priority source (every other source overrides it). At Information it writes
    /// four lines per request (request starting/finished, endpoint executing/executed): more work than the prediction,
    /// and a flood in the Functions host's log stream (the worker sends each line to the host).
    /// <c>Logging__LogLevel__Microsoft.AspNetCore=Information</c> brings back the endpoint lines; the request lines stay
    /// off (<see cref="KeepRequestLinesOff"/>).
    /// </summary>
    public static IConfigurationBuilder AddShipyardLogLevelDefaults(this IConfigurationBuilder configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new(AspNetCoreLogLevel, nameof(LogLevel.Warning))] });
        return configuration;
    }

    /// <summary>
    /// Keeps <see cref="RequestLinesCategory"/> at Warning whatever the configuration says (a rule added after the
    /// configuration's, so it wins over <c>Logging:LogLevel</c> entries of the same category): its request lines print
    /// the raw query string, and Azure Functions clients send their function key there as <c>?code=</c> — with
    /// Application Insights configured every log line is also telemetry. Request counts and durations come from the
    /// request telemetry instead, whose query values are redacted.
    /// </summary>
    public static IServiceCollection KeepRequestLinesOff(this IServiceCollection services) =>
        services.Configure<LoggerFilterOptions>(options => options.AddFilter(RequestLinesCategory, LogLevel.Warning));
}
