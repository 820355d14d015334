using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Shipyard.Batch;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Batch;

/// <summary>
/// The standalone app's batch watcher on the embedded store, as an operator meets faults: the process killed mid-job,
/// and a disk that fills up. After each the store holds no temporary files, every visible blob has its metadata, and
/// the input has exactly one report.
/// </summary>
public sealed partial class BatchWatcherProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KilledMidJob_RestartCleansTempFilesTakesOverAtOnceAndScoresOnce()
    {
        var data = Path.Combine(Path.GetTempPath(), $"shipyard-crash-{Guid.NewGuid():N}");
        try
        {
            var (input, rows) = await UploadInputAsync(data, "diabetes/big.csv", 400_000);
            var port = LoopbackPorts.Free();

            await using (var first = StartApp(port, data))
            {
                // Kill it once the scored output is streaming into its temporary file.
                await WaitForAsync(() => TempFiles(data).Any(f => f.Length > 1 << 20), first, "a scored output being written");
                await first.KillAsync();
            }

            var killed = DateTimeOffset.UtcNow;
            Assert.NotEmpty(TempFiles(data)); // what the crash left behind
            Assert.False(File.Exists(Path.Combine(data, "batch-out", "diabetes", "big.report.json"))); // (a store opened here would clean up first)

            await using var second = StartApp(port, data);

            // First the restarted app's own clean-up (a store opened by this test would otherwise get there first).
            await WaitForAsync(() => RemovedTempFiles().IsMatch(second.Output), second, "the clean-up logged");
            var report = await WaitForReportAsync(data, "diabetes/big.report.json", input.ETag, second);

            Assert.Equal(BatchStatus.Succeeded, report.Status);
            Assert.Equal(rows, report.Rows.Scored);
            Assert.True(report.Started - killed < TimeSpan.FromSeconds(60), $"took over {report.Started - killed} after the kill; the claim timeout is 2 minutes");
            Assert.Equal(rows + 1, CountLines(Path.Combine(data, "batch-out", "diabetes", "big.scored.csv")));
            await AssertEndStateAsync(data, second);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            File.Delete(InputCopy(data));
        }
    }

    [Fact]
    public async Task DiskFull_RetriesWithBackoff_EndsWithOneFailedReportNamingTheFault_NewUploadStartsFresh()
    {
        using var disk = SmallDisk.Mount(32 << 20);
        var data = Path.Combine(disk.Path, "data");
        var (input, rows) = await UploadInputAsync(data, "diabetes/full.csv", 30_000);

        // Room for the report, not for the scored output (larger than the input).
        disk.FillLeaving(input.Length / 2);
        await using var app = StartApp(LoopbackPorts.Free(), data, new Dictionary<string, string?>
        {
            ["Shipyard__Batch__MaxAttempts"] = "3",
            ["Shipyard__Batch__Watcher__RetryDelay"] = "00:00:00.500",
            ["Shipyard__Batch__Watcher__MaxRetryDelay"] = "00:00:00.800",
        });
        var report = await WaitForReportAsync(data, "diabetes/full.report.json", input.ETag, app);

        Assert.Equal(BatchStatus.Failed, report.Status);
        Assert.StartsWith("gave up after 3 attempts that ended in a storage fault; the last: IOException: No space left on device", report.Reason, StringComparison.Ordinal);
        var delays = RetryDelays().Matches(app.Output).Select(m => TimeSpan.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(800)], delays); // doubled, then capped; the third fault ends it
        await AssertEndStateAsync(data, app);

        // Space again, and a new upload of the same name: scored from the start.
        File.Delete(Path.Combine(disk.Path, "filler"));
        var fixedUpload = await new FileBlobStore(data).UploadAsync("batch-in", "diabetes/full.csv", File.OpenRead(InputCopy(data)));
        var fresh = await WaitForReportAsync(data, "diabetes/full.report.json", fixedUpload.ETag, app);
        Assert.Equal((BatchStatus.Succeeded, rows), (fresh.Status, fresh.Rows.Scored));
        await AssertEndStateAsync(data, app);
    }

    [GeneratedRegex(@"Removed \d+ stale temporary files \(\d+ bytes\)")]
    private static partial Regex RemovedTempFiles();

    [GeneratedRegex(@"Batch input diabetes/full\.csv will be retried in (\S+)")]
    private static partial Regex RetryDelays();

    private static AppProcess StartApp(int port, string data, Dictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Shipyard__Batch__Watcher__PollInterval"] = "00:00:00.100",
            ["Logging__LogLevel__Shipyard.Storage.FileBlobStore"] = "Information",
        };
        foreach (var (name, value) in settings ?? [])
        {
            environment[name] = value;
        }

        return AppProcess.StartWithData(data, new Uri($"http://127.0.0.1:{port}"), environment, "--urls", $"http://127.0.0.1:{port}");
    }

    /// <summary>Writes a diabetes input of <paramref name="rows"/> rows (the holdout rows repeated) through the store.</summary>
    private static async Task<(BlobProperties Input, int Rows)> UploadInputAsync(string data, string name, int rows)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Models, "diabetes", "data", "holdout.csv"));
        var text = new StringBuilder(lines[0]).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            text.Append(lines[1 + (i % (lines.Length - 1))]).Append('\n');
        }

        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(InputCopy(data), text.ToString());
        var store = new FileBlobStore(data);
        await store.CreateContainerIfNotExistsAsync("batch-in");
        return (await store.UploadAsync("batch-in", name, File.OpenRead(InputCopy(data))), rows);
    }

    /// <summary>The generated input, kept next to the store (not in it) for uploading again.</summary>
    private static string InputCopy(string data) => Path.Combine(data, "..", Path.GetFileName(data) + ".input.csv");

    private static FileInfo[] TempFiles(string data) =>
        Directory.Exists(Path.Combine(data, ".tmp")) ? new DirectoryInfo(Path.Combine(data, ".tmp")).GetFiles() : [];

    private static async Task<BatchReport> WaitForReportAsync(string data, string name, string inputETag, AppProcess app)
    {
        var store = new FileBlobStore(data);
        BatchReport? report = null;
        await WaitForAsync(() =>
        {
            report = store.GetPropertiesAsync("batch-out", name).Result is null ? null : BatchReport.Parse(store.ReadAllBytesAsync("batch-out", name).Result);
            return report?.Input.ETag == inputETag;
        }, app, $"{name} for input {inputETag}");
        return report!;
    }

    private static async Task WaitForAsync(Func<bool> condition, AppProcess app, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(app.HasExited, $"the app exited while waiting for {what}:{Environment.NewLine}{app.Output}");
            Assert.True(clock.Elapsed < Patience, $"no {what} within {Patience}:{Environment.NewLine}{app.Output}");
            await Task.Delay(20);
        }
    }

    /// <summary>No temporary files, every blob with its metadata, exactly one report per input (and no partial output).</summary>
    private static async Task AssertEndStateAsync(string data, AppProcess app)
    {
        // The watcher may still be closing the claim: give it a moment to settle before looking on disk.
        await WaitForAsync(() => TempFiles(data).Length == 0, app, "no temporary files");
        FileStoreAssert.Consistent(data);
        var store = new FileBlobStore(data);
        var inputs = await store.ListAsync("batch-in").ToListAsync();
        var reports = await store.ListAsync("batch-out").Where(b => b.Name.EndsWith(".report.json", StringComparison.Ordinal)).ToListAsync();
        Assert.Equal(inputs.Select(i => Path.ChangeExtension(i.Name, ".report.json")).Order(), reports.Select(r => r.Name).Order());
    }

    private static int CountLines(string path) => File.ReadLines(path).Count();
}
