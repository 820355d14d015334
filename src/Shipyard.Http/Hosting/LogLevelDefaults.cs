using Microsoft.Extensions.Configuration.Memory;

namespace Shipyard.Http.Hosting;

/// <summary>Log levels every host of Shipyard starts from, below every other configuration source.</summary>
public static class LogLevelDefaults
{
    /// <summary>The configuration key of ASP.NET Core's log level, Warning unless configured.</summary>
    public const string AspNetCoreLogLevel = "Logging:LogLevel:Microsoft.AspNetCore";

    /// <summary>
    /// ASP.NET Core at Warning, as the lowest-priority source (every other source overrides it). At Information it writes
    /// four lines per request (request starting/finished, endpoint executing/executed): more work than the prediction,
    /// and a flood in the Functions host's log stream (the worker sends each line to the host).
    /// <c>Logging__LogLevel__Microsoft.AspNetCore=Information</c> brings them back.
    /// </summary>
    public static IConfigurationBuilder AddShipyardLogLevelDefaults(this IConfigurationBuilder configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new(AspNetCoreLogLevel, nameof(LogLevel.Warning))] });
        return configuration;
    }
}
