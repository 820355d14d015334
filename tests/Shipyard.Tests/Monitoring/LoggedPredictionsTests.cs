using System.Globalization;
using System.Text;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Scoring;
using Shipyard.Storage;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>The prediction log read for evaluation: the window's hours only, records inside it only, and what a line carries.</summary>
public sealed class LoggedPredictionsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("shipyard-logged-").FullName;

    [Fact]
    public async Task ReadAsync_WindowAcrossMidnight_ReadsItsHoursAndRecordsOnly()
    {
        var store = new FileBlobStore(_root);
        var from = new DateTimeOffset(2026, 12, 5, 22, 30, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 12, 6, 1, 15, 0, TimeSpan.Zero);
        var times = new[]
        {
            from.AddHours(-1),          // the hour before the window
            from.AddMinutes(-10),       // the window's first hour, before it starts
            from.AddMinutes(5),         // in
            from.AddHours(2),           // in, after midnight
            to.AddMinutes(-1),          // in, last hour
            to.AddMinutes(10),          // the last hour, after the window
            to.AddHours(2),             // after
        };
        foreach (var (time, i) in times.Select((t, i) => (t, i)))
        {
            var line = $"{{\"time\":\"{time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\"model\":\"diabetes\",\"version\":\"1\",\"source\":\"http\",\"arm\":\"canary\",\"predictionId\":\"id-{i}\",\"inputs\":{{\"age\":1}},\"prediction\":{{\"value\":{i}.5}}}}\n";
            var name = string.Create(CultureInfo.InvariantCulture, $"diabetes/1/{time:yyyy/MM/dd/HH}/{time:yyyyMMdd'T'HHmmssfff}-test-{i}.jsonl");
            await store.CreateContainerIfNotExistsAsync(PredictionLogWriter.Container);
            await store.UploadAsync(PredictionLogWriter.Container, name, Encoding.UTF8.GetBytes(line + "not json\n"));
        }

        var (predictions, skipped) = await LoggedPredictions.ReadAsync(store, "diabetes", ["1", "2"], from, to);

        Assert.Equal(["id-2", "id-3", "id-4"], predictions.Select(p => p.PredictionId));
        Assert.All(predictions, p => Assert.Equal(("1", "canary"), (p.Version, p.Arm)));
        Assert.Equal([2.5, 3.5, 4.5], predictions.Select(p => p.Value!.Value));
        Assert.Equal(5, skipped); // the unreadable line of each blob in the window's five hours
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
