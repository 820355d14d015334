using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Shipyard.Testing;

namespace Shipyard.Functions.Tests.Infrastructure;

/// <summary>
/// Shipyard.Server in-process (TestServer) over the same bundled models, with a fresh embedded store and anonymous
/// access: the standalone answer the Functions app must match.
/// </summary>
public sealed class StandaloneServer : WebApplicationFactory<Program>
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), $"shipyard-standalone-{Guid.NewGuid():N}");

    /// <summary>A client once the server's registry has loaded every bundled model (health 200), so answers are comparable.</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var health = await client.GetAsync(new Uri("api/health", UriKind.Relative));
            if (health.IsSuccessStatusCode)
            {
                return client;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The standalone server did not become ready within 60 s.");
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Production");
        builder.UseSetting("Shipyard:ModelsPath", RepoPaths.Models);
        builder.UseSetting("Shipyard:DataPath", _dataPath);
        builder.UseSetting("Shipyard:Auth:AllowAnonymous", "true");
        builder.UseSetting("Shipyard:RateLimiting:Enabled", "false");
        builder.UseSetting("Shipyard:Batch:Watcher:Enabled", "false");
        builder.UseSetting("Shipyard:Drift:Scheduler:Enabled", "false");
        builder.UseSetting("Shipyard:Streaming:PollerEnabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
