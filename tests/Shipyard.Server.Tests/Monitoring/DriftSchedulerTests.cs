using Microsoft.Extensions.DependencyInjection;
using Shipyard.Server.Monitoring;
using Shipyard.Monitoring;
using Shipyard.Http.Apis;
using Shipyard.Storage;
using Xunit;

namespace Shipyard.Server.Tests.Monitoring;

/// <summary>The standalone scheduler runs the same check on DRIFT_SCHEDULE.</summary>
public sealed class DriftSchedulerTests
{
    [Fact]
    public async Task Standalone_EverySecondSchedule_WritesReportsWithoutAnInvocation()
    {
        using var app = new DriftTestApp(new Dictionary<string, string?> { ["DRIFT_SCHEDULE"] = "* * * * * *", ["Shipyard:Drift:Scheduler:Enabled"] = "true" });
        using var client = await app.ClientAsync();
        var scheduler = app.Services.GetRequiredService<DriftScheduler>();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (scheduler.CompletedRuns < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(scheduler.CompletedRuns >= 2, $"{scheduler.CompletedRuns} scheduled runs in 60 s");
        var reports = new List<string>();
        await foreach (var blob in app.Store.ListAsync("drift-reports", "breast-cancer/1/"))
        {
            reports.Add(blob.Name);
        }

        Assert.True(reports.Count(r => r.EndsWith(".json", StringComparison.Ordinal)) >= 2, string.Join(", ", reports));
    }
}
