using System.Globalization;
using System.Text;
using System.Text.Json;
using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Drift;
using Shipyard.Storage;
using Shipyard.Testing;

namespace Shipyard.Tests.Monitoring;

/// <summary>Writes prediction logs in the team's contract format into a real (file) blob store.</summary>
public static class PredictionLogFixture
{
    public static BaselineProfile BreastCancerBaseline =>
        BaselineProfileJson.Read(Path.Combine(RepoPaths.Models, "breast-cancer", "1", "baseline.json"));

    /// <summary>
    /// Logs every row of <paramref name="csv"/> for breast-cancer v1 at <paramref name="time"/>, with the labels of
    /// samples.csv (the same rows as holdout.csv/drifted.csv) as predictions, in blobs of 50 lines.
    /// With <paramref name="replaceFrom"/>, the <paramref name="replaceColumns"/> come from that file's same rows instead.
    /// </summary>
    public static async Task WriteBreastCancerAsync(
        IBlobStore store, string csv, DateTimeOffset time, int? take = null, string? replaceFrom = null, IReadOnlySet<string>? replaceColumns = null)
    {
        var table = FeatureTable.ReadCsv(csv);
        var replacement = replaceFrom is null ? null : FeatureTable.ReadCsv(replaceFrom);
        var labels = FeatureTable.ReadCsv(Path.Combine(RepoPaths.Models, "breast-cancer", "1", "samples.csv")).Categories("expected_label");
        var rows = take ?? table.RowCount;
        await store.CreateContainerIfNotExistsAsync("prediction-logs");
        for (int start = 0, sequence = 0; start < rows; start += 50, sequence++)
        {
            var text = new StringBuilder();
            for (var r = start; r < Math.Min(start + 50, rows); r++)
            {
                var inputs = table.Names.ToDictionary(
                    n => n,
                    n => replacement is not null && replaceColumns!.Contains(n) ? replacement.Numbers(n)[r] : table.Numbers(n)[r]);
                var record = new
                {
                    time = time.AddMilliseconds(r),
                    model = "breast-cancer",
                    version = "1",
                    source = "http",
                    inputs,
                    prediction = new { label = labels[r], probabilities = new Dictionary<string, double> { ["malignant"] = 0.5, ["benign"] = 0.5 } },
                };
                text.Append(JsonSerializer.Serialize(record)).Append('\n');
            }

            var name = string.Create(CultureInfo.InvariantCulture, $"breast-cancer/1/{time:yyyy}/{time:MM}/{time:dd}/{time:HH}/{time:yyyyMMddTHHmmssfff}-test-{sequence}.jsonl");
            await store.UploadTextAsync("prediction-logs", name, text.ToString());
        }
    }
}
