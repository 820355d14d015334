using System.Globalization;

namespace Shipyard.Functions.CustomHandler;

/// <summary>
/// Whether this process runs as an Azure Functions custom handler: the host sets <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>
/// to the port it will call us on (https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers).
/// </summary>
public sealed class CustomHandlerEnvironment
{
    /// <summary>The variable the Functions host sets.</summary>
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>Reads the port from configuration (environment variables included).</summary>
    /// <exception cref="InvalidOperationException">The variable is set but is not a TCP port number.</exception>
    public CustomHandlerEnvironment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[PortVariable];
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"{PortVariable} is '{value}'; expected a TCP port number from 1 to 65535.");
        }

        Port = port;
    }

    /// <summary>The port to listen on (127.0.0.1 only), or null when standalone.</summary>
    public int? Port { get; }

    /// <summary>True under the Functions host.</summary>
    public bool IsActive => Port is not null;
}
