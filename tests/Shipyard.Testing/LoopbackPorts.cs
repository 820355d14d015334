using System.Net;
using System.Net.Sockets;

namespace Shipyard.Testing;

/// <summary>Ports for the servers tests start (Azurite, the Functions host, apps, stand-in endpoints).</summary>
public static class LoopbackPorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
