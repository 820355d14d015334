using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Hosting;

/// <summary>What runs at start-up: only Shipyard's own work (cold start, docs/benchmarks.md "Cold start").</summary>
public sealed class StartupServicesTests
{
    [Fact]
    public void HostedServices_DoNotLoadADataProtectionKeyRing()
    {
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys());

        var names = app.Services.GetServices<IHostedService>().Select(service => service.GetType().FullName).ToList();

        Assert.Contains("Shipyard.Scoring.Internals.ShipyardHostedService", names);
        Assert.DoesNotContain(names, name => name!.Contains("DataProtection", StringComparison.Ordinal));
    }
}
