using System.Globalization;
using System.Text;
using Shipyard.Batch;
using Xunit;

namespace Shipyard.Tests.Batch;

public sealed class BatchScorerTests
{
    [Theory]
    [InlineData("breast-cancer", "1")]
    [InlineData("breast-cancer", "2")]
    [InlineData("digits", "1")]
    [InlineData("diabetes", "1")]
    public async Task ScoreAsync_Samples_MatchTrainingFrameworkOutputs(string model, string version)
    {
        var manifest = BatchTestModels.Manifest(model, version);
        var (report, scored, errors) = await ScoreAsync(model, version, File.ReadAllBytes(BatchTestModels.SamplesFile(model, version)));

        Assert.Equal(BatchStatus.Succeeded, report.Status);
        Assert.Equal(0, report.Rows.Rejected);
        Assert.Equal(report.Rows.Read, report.Rows.Scored);
        Assert.Single(errors);
        var header = scored[0];
        Assert.Equal(report.Rows.Read + 1, scored.Count);
        var prediction = Array.IndexOf(header, "prediction");
        if (manifest.IsClassifier)
        {
            Assert.Equal(manifest.Labels.Select(l => "probability_" + l), header[(prediction + 1)..]);
            foreach (var row in scored.Skip(1))
            {
                Assert.Equal(row[Array.IndexOf(header, "expected_label")], row[prediction]);
                for (var c = 0; c < manifest.Labels.Count; c++)
                {
                    var expected = double.Parse(row[Array.IndexOf(header, "expected_probability_" + manifest.Labels[c])], CultureInfo.InvariantCulture);
                    Assert.Equal(expected, double.Parse(row[prediction + 1 + c], CultureInfo.InvariantCulture), 1e-5);
                }
            }
        }
        else
        {
            Assert.Equal(header.Length - 1, prediction);
            foreach (var row in scored.Skip(1))
            {
                var expected = double.Parse(row[Array.IndexOf(header, "expected_value")], CultureInfo.InvariantCulture);
                Assert.Equal(expected, double.Parse(row[prediction], CultureInfo.InvariantCulture), Math.Max(1e-3, Math.Abs(expected) * 1e-5));
            }
        }
    }

    [Fact]
    public async Task ScoreAsync_ColumnsInAnyOrderWithExtras_ScoresTheSameAndPassesInputThrough()
    {
        var holdout = await CsvReaderTests.ReadAllAsync(File.OpenRead(BatchTestModels.DataFile("breast-cancer", "holdout.csv")));
        var (plain, plainScored, _) = await ScoreAsync("breast-cancer", "1", File.ReadAllBytes(BatchTestModels.DataFile("breast-cancer", "holdout.csv")));

        // Reverse the columns and add a quoted id column with commas, quotes and a line break.
        var text = new StringBuilder();
        for (var r = 0; r < holdout.Count; r++)
        {
            var id = r == 0 ? "id" : $"\"row {r}, \"\"quoted\"\"\nsecond line\"";
            text.Append(id).Append(',').Append(string.Join(",", holdout[r].Reverse())).Append("\r\n");
        }

        var (shuffled, shuffledScored, _) = await ScoreAsync("breast-cancer", "1", Encoding.UTF8.GetBytes(text.ToString()));

        Assert.Equal(BatchStatus.Succeeded, shuffled.Status);
        Assert.Equal(plain.Rows, shuffled.Rows);
        for (var r = 1; r < plainScored.Count; r++)
        {
            Assert.Equal($"row {r}, \"quoted\"\nsecond line", shuffledScored[r][0]);
            Assert.Equal(holdout[r].Reverse(), shuffledScored[r][1..(holdout[r].Length + 1)]);
            Assert.Equal(plainScored[r][^3..], shuffledScored[r][^3..]);
        }
    }

    [Fact]
    public async Task ScoreAsync_ChunkSize_DoesNotChangeTheOutput()
    {
        var input = File.ReadAllBytes(BatchTestModels.DataFile("digits", "holdout.csv"));
        var big = await ScoreRawAsync("digits", "1", input, new BatchOptions());
        var small = await ScoreRawAsync("digits", "1", input, new BatchOptions { ChunkRows = 7, QueueDepth = 1 });
        Assert.Equal(big.Scored, small.Scored);
        Assert.True(big.Scored.Length > 1000);
    }

    [Fact]
    public async Task ScoreAsync_MissingRequiredColumn_FailsUpFrontWithoutScoring()
    {
        var samples = File.ReadAllText(BatchTestModels.DataFile("diabetes", "holdout.csv")).Replace("bmi,", "body_mass,", StringComparison.Ordinal);
        var (report, scored, _) = await ScoreAsync("diabetes", "1", Encoding.UTF8.GetBytes(samples));

        Assert.Equal(BatchStatus.Failed, report.Status);
        Assert.StartsWith("the header lacks required feature column 'bmi' of model 'diabetes' version 1 (header: age,sex,body_mass,", report.Reason, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was scored", report.Reason, StringComparison.Ordinal);
        Assert.Equal(new BatchRowCounts(0, 0, 0), report.Rows);
        Assert.Empty(scored);
    }

    [Fact]
    public async Task ScoreAsync_InvalidRows_ListedInErrorsAndLeftOut()
    {
        var lines = File.ReadAllLines(BatchTestModels.DataFile("diabetes", "holdout.csv"));
        lines[3] = lines[3].Replace(lines[3].Split(',')[2], "abc", StringComparison.Ordinal); // row 3: bmi not a number
        lines[5] = "," + lines[5][(lines[5].IndexOf(',', StringComparison.Ordinal) + 1)..];  // row 5: age empty
        lines[7] = "1,2";                                                                  // row 7: too few fields
        var (report, scored, errors) = await ScoreAsync("diabetes", "1", Encoding.UTF8.GetBytes(string.Join("\n", lines)));

        Assert.Equal(BatchStatus.Succeeded, report.Status);
        Assert.Equal(new BatchRowCounts(lines.Length - 1, lines.Length - 4, 3), report.Rows);
        Assert.Equal(
            [["row", "column", "reason"], ["3", "bmi", "expected a number, found 'abc'"], ["5", "age", "required feature is missing"], ["7", "", "expected 10 fields like the header, found 2"]],
            errors);
        Assert.Equal(lines.Length - 3, scored.Count);
        Assert.DoesNotContain(scored, r => r.Contains("abc"));
    }

    [Fact]
    public async Task ScoreAsync_ErrorRateAboveLimit_IsRejected()
    {
        var lines = File.ReadAllLines(BatchTestModels.DataFile("diabetes", "holdout.csv"));
        for (var i = 1; i <= 10; i++)
        {
            lines[i] = "x" + lines[i];
        }

        var (report, _, errors) = await ScoreAsync("diabetes", "1", Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        Assert.Equal(BatchStatus.Rejected, report.Status);
        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"10 of {lines.Length - 1} rows ({1000.0 / (lines.Length - 1):0.0}%) are invalid, more than BATCH_MAX_ERROR_RATE (5.0%); see the errors file"),
            report.Reason);
        Assert.Equal(11, errors.Count);
    }

    public static TheoryData<string, byte[], string> PoisonInputs => new()
    {
        { "empty", [], "the input is empty: expected a header row naming the feature columns, then data rows" },
        { "bom only", [0xEF, 0xBB, 0xBF], "the input is empty: expected a header row naming the feature columns, then data rows" },
        { "header only", Encoding.UTF8.GetBytes("age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\r\n"), "the input has a header but no data rows; nothing was scored" },
        { "binary", [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))], "the input is not readable CSV: " },
        { "zeros", new byte[10_000], "the input is not readable CSV: the input contains a NUL character at line 1 (record 1); it looks like binary data, not CSV text" },
        { "json", Encoding.UTF8.GetBytes("{\"instances\": [{\"age\": 1}]}"), "the header lacks required feature columns 'age', 'sex', 'bmi'" },
        { "unterminated quote", Encoding.UTF8.GetBytes("age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n\"1,2,3\n"), "the input is not readable CSV: record 2 starting at line 2 has a quoted field that is never closed" },
    };

    [Theory]
    [MemberData(nameof(PoisonInputs))]
    public async Task ScoreAsync_PoisonInput_Fails(string name, byte[] input, string reasonStart)
    {
        var (report, _, _) = await ScoreAsync("diabetes", "1", input);
        Assert.True(BatchStatus.Failed == report.Status, name);
        Assert.StartsWith(reasonStart, report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_GigabyteSingleLine_FailsWithoutReadingItAll()
    {
        var input = CsvTestStreams.Repeat((byte)'7', 1L << 30);
        var scorer = new BatchScorer();
        var report = await scorer.ScoreAsync(BatchTestModels.Manifest("diabetes"), BatchTestModels.Scorer("diabetes", "1", 1024),
            new BatchInputInfo("huge.csv", null, 1L << 30), input, Stream.Null, Stream.Null, null, default);
        Assert.Equal(BatchStatus.Failed, report.Status);
        Assert.Equal("the input is not readable CSV: record 1 starting at line 1 is longer than the limit of 1048576 characters; the input is not a CSV file with reasonable rows (or raise MaxRecordLength)", report.Reason);
        Assert.InRange(input.Position, 1, 8L << 20);
    }

    [Fact]
    public async Task ScoreAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        var scorer = new BatchScorer(new BatchOptions { ChunkRows = 16 });
        var input = new MemoryStream(File.ReadAllBytes(BatchTestModels.DataFile("digits", "holdout.csv")));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scorer.ScoreAsync(
            BatchTestModels.Manifest("digits"), BatchTestModels.Scorer("digits", "1", 16), new BatchInputInfo("x", null, null),
            input, Stream.Null, Stream.Null, SynchronousProgress.Create(_ => cts.Cancel()), cts.Token));
        Assert.True(input.Position < input.Length);
    }

    [Fact]
    public async Task ScoreAsync_ReportsTelemetry()
    {
        var telemetry = new RecordingTelemetry();
        var scorer = new BatchScorer(telemetry: telemetry);
        await scorer.ScoreAsync(BatchTestModels.Manifest("diabetes"), BatchTestModels.Scorer("diabetes", "1", 1024), new BatchInputInfo("in.csv", "\"e1\"", null),
            File.OpenRead(BatchTestModels.DataFile("diabetes", "holdout.csv")), Stream.Null, Stream.Null, null, default);

        Assert.Equal(["BatchStarted", "BatchCompleted"], telemetry.Events.Select(e => e.Name));
        var completed = telemetry.Events.Last().Properties;
        Assert.Equal("succeeded", completed["status"]);
        Assert.Equal("diabetes", completed["model"]);
        var metric = Assert.Single(telemetry.Metrics);
        Assert.Equal("RowsPerSecond", metric.Name);
        Assert.True(metric.Value > 0);
    }

    internal static async Task<(BatchReport Report, List<string[]> Scored, List<string[]> Errors)> ScoreAsync(string model, string version, byte[] input, BatchOptions? options = null)
    {
        var (report, scored, errors) = await ScoreRawAsync(model, version, input, options ?? new BatchOptions());
        return (report,
            await CsvReaderTests.ReadAllAsync(new MemoryStream(scored)),
            await CsvReaderTests.ReadAllAsync(new MemoryStream(errors)));
    }

    private static async Task<(BatchReport Report, byte[] Scored, byte[] Errors)> ScoreRawAsync(string model, string version, byte[] input, BatchOptions options)
    {
        var scorer = new BatchScorer(options);
        var scored = new MemoryStream();
        var errors = new MemoryStream();
        var report = await scorer.ScoreAsync(BatchTestModels.Manifest(model, version), BatchTestModels.Scorer(model, version, options.ChunkRows),
            new BatchInputInfo("input.csv", null, input.Length), new MemoryStream(input), scored, errors, null, default);
        return (report, scored.ToArray(), errors.ToArray());
    }
}
