using Microsoft.Extensions.Logging.Abstractions;
using Shipyard.Monitoring;
using Shipyard.Monitoring.Reports;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>The HTML report: self-contained, and rendered by a real headless Chromium without console errors.</summary>
public sealed class DriftReportHtmlTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("shipyard-drift-html-").FullName;

    [Fact]
    public async Task Render_DriftedReport_SelfContainedWithVerdictTableAndCharts()
    {
        var html = DriftReportHtml.Render(await DriftedReportAsync());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("id=\"verdict\"", StringComparison.Ordinal) < html.IndexOf("id=\"features\"", StringComparison.Ordinal));
        Assert.Equal(18, CountOf(html, "<figure class=\"chart\">")); // one per drifted feature: drifted.csv shifts 18 of 30
        var firstRows = html[html.IndexOf("<tbody>", StringComparison.Ordinal)..];
        Assert.StartsWith("<tbody>\n<tr class=\"drifted\">", firstRows, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileNames_AreEncoded()
    {
        var report = new DriftReport
        {
            Model = "<script>alert(1)</script>",
            Version = "1",
            Created = DateTimeOffset.UnixEpoch,
            WindowStart = DateTimeOffset.UnixEpoch,
            WindowEnd = DateTimeOffset.UnixEpoch,
            Status = DriftStatus.InsufficientData,
            Rows = 0,
            MinimumRows = 50,
        };

        var html = DriftReportHtml.Render(report);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_InHeadlessChromium_ProducesScreenshotWithoutConsoleErrors()
    {
        var page = Path.Combine(_root, "report.html");
        await File.WriteAllTextAsync(page, DriftReportHtml.Render(await DriftedReportAsync()));
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

        await HeadlessChromium.AssertRendersAsync(page, Path.Combine(artifacts, "drift-report.png"), _root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    private async Task<DriftReport> DriftedReportAsync()
    {
        var store = new FileBlobStore(Path.Combine(_root, "blobs"));
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        await PredictionLogFixture.WriteBreastCancerAsync(store, Path.Combine(RepoPaths.Models, "breast-cancer", "data", "drifted.csv"), now.AddHours(-1));
        var monitor = new DriftMonitor(store, new RetrainNotifier(new FileMessageQueue(Path.Combine(_root, "queues")), NullLogger<RetrainNotifier>.Instance), NullLogger<DriftMonitor>.Instance);
        return (await monitor.CheckAsync(PredictionLogFixture.BreastCancerBaseline, now)).Report;
    }
}
