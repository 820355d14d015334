using Shipyard.Monitoring.Internals;
using Shipyard.Storage;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>Blobs in hour folders: exactly those of the hours asked for, by day listings or, for a long window, one listing.</summary>
public sealed class HourPartitionsTests : IDisposable
{
    private const string Container = "logs";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "shipyard-hours-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("2026-12-02T00:00:00Z", "2026-12-02T05:00:00Z", "m/1/2026/12/02/00/a.jsonl m/1/2026/12/02/05/b.jsonl")]
    [InlineData("2026-12-01T23:00:00Z", "2026-12-02T04:00:00Z", "m/1/2026/12/01/23/a.jsonl m/1/2026/12/02/00/a.jsonl")]
    [InlineData("2000-01-01T00:00:00Z", "2026-12-31T00:00:00Z", "m/1/2026/12/01/23/a.jsonl m/1/2026/12/02/00/a.jsonl m/1/2026/12/02/05/b.jsonl m/1/2026/12/05/00/c.jsonl")] // one listing
    [InlineData("2026-12-03T00:00:00Z", "2026-12-02T00:00:00Z", "")]
    public async Task ListAsync_TheHoursAskedFor_AndNothingElse(string first, string last, string expected)
    {
        var store = new FileBlobStore(_root);
        await store.CreateContainerIfNotExistsAsync(Container);
        foreach (var name in new[]
        {
            "m/1/2026/12/01/23/a.jsonl", "m/1/2026/12/02/00/a.jsonl", "m/1/2026/12/02/05/b.jsonl", "m/1/2026/12/05/00/c.jsonl",
            "m/1/notes.txt", "m/10/2026/12/02/01/x.jsonl", "m/1/2026/13/02/01/bad-month.jsonl",
        })
        {
            await store.UploadTextAsync(Container, name, "{}");
        }

        var names = new List<string>();
        await foreach (var name in HourPartitions.ListAsync(store, Container, "m/1/", DateTimeOffset.Parse(first, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(last, System.Globalization.CultureInfo.InvariantCulture)))
        {
            names.Add(name);
        }

        Assert.Equal(expected, string.Join(' ', names.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void HourOf_CutsToTheHourInUtc()
    {
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture), HourPartitions.HourOf(DateTimeOffset.Parse("2026-12-02T06:59:59.999+01:00", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
