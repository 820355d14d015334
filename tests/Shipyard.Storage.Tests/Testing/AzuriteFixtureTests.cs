using System.Net.Sockets;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Storage.Tests.Testing;

public sealed class AzuriteFixtureTests
{
    [Fact]
    public async Task StartStopRestart_ServicesListenOnlyWhileRunning_OnTheSamePorts()
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        Assert.True(await AcceptsAsync(azurite.BlobPort));
        Assert.True(await AcceptsAsync(azurite.QueuePort));
        Assert.Contains($"BlobEndpoint=http://127.0.0.1:{azurite.BlobPort}/devstoreaccount1", azurite.ConnectionString, StringComparison.Ordinal);

        await azurite.StopAsync();
        Assert.False(azurite.IsRunning);
        Assert.False(await AcceptsAsync(azurite.BlobPort));

        await azurite.RestartAsync();
        Assert.True(azurite.IsRunning);
        Assert.True(await AcceptsAsync(azurite.BlobPort));
    }

    [Fact]
    public async Task Dispose_DeletesTheDataFolder()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        Assert.True(Directory.Exists(azurite.Location));

        await azurite.DisposeAsync();

        Assert.False(Directory.Exists(azurite.Location));
        Assert.False(await AcceptsAsync(azurite.BlobPort));
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
