using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Scoring;
using Shipyard.Storage;

namespace Shipyard.Benchmarks.Monitoring;

/// <summary>
/// Issue 23's bar end to end: N breast-cancer predictions in the prediction log (the writer's line format, 30 inputs
/// each, 80% production v1 and 20% canary v2, spread over 24 hours, 10,000 lines a blob) and an outcome for each
/// (posted through <see cref="FeedbackStore"/> in submissions of 100,000), on the embedded file store; then the clock runs
/// over <see cref="EvaluationService.EvaluateAsync"/> — listing, reading and parsing both, joining, evaluating — three
/// times. Run with <c>dotnet artifacts/bench-batch/Shipyard.Benchmarks.dll --evaluate-store 1000000</c> from the
/// repository root.
/// </summary>
internal static class EvaluationStoreProbe
{
    public static async Task RunAsync(int rows)
    {
        var root = Path.Combine(Path.GetTempPath(), $"shipyard-evaluate-{Guid.NewGuid():N}");
        try
        {
            var store = new FileBlobStore(root);
            var now = DateTimeOffset.UtcNow;
            var setup = Stopwatch.StartNew();
            var outcomes = await WriteLogAsync(store, rows, now).ConfigureAwait(false);
            var options = Options.Create(new ShipyardOptions { ModelsPath = Path.GetFullPath("models"), RegistryPollInterval = TimeSpan.Zero });
            await using var registry = new ModelRegistry(store, options);
            await registry.StartAsync().ConfigureAwait(false);
            await registry.SetRoutingAsync("breast-cancer", new ModelRouting { Production = "1", Canary = new CanaryRoute("2", 20) }).ConfigureAwait(false);
            var feedback = new FeedbackStore(store);
            var manifest = registry.FindManifest("breast-cancer", "1")!;
            foreach (var part in outcomes.Chunk(FeedbackStore.MaxOutcomes))
            {
                await feedback.RecordAsync(manifest, part, TimeSpan.FromDays(90)).ConfigureAwait(false);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"setup: {rows:N0} logged predictions and outcomes written in {setup.Elapsed.TotalSeconds:F1} s"));
            var evaluation = new EvaluationService(registry, store, options);
            for (var round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                var report = await evaluation.EvaluateAsync("breast-cancer", TimeSpan.FromDays(2)).ConfigureAwait(false);
                var counted = report.Versions.Values.Sum(v => v.WithOutcome);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{counted:N0} predictions with outcomes, from the store: {clock.Elapsed.TotalSeconds:F2} s (verdict {report.Comparison?.Verdict}, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB)"));
            }

            // Where the time goes: reading the log, reading the outcomes (the evaluation proper is --evaluate).
            var to = DateTimeOffset.UtcNow;
            var step = Stopwatch.StartNew();
            var (logged, _) = await LoggedPredictions.ReadAsync(store, "breast-cancer", ["1", "2"], to.AddDays(-2), to).ConfigureAwait(false);
            var logSeconds = step.Elapsed.TotalSeconds;
            step.Restart();
            var read = await feedback.ReadAsync("breast-cancer", to.AddDays(-2), to).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"of which: prediction log {logged.Count:N0} lines {logSeconds:F2} s, outcomes {read.Count:N0} {step.Elapsed.TotalSeconds:F2} s"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Writes the log blobs; returns an outcome per prediction (right 85% of the time).</summary>
    private static async Task<List<OutcomeSubmission>> WriteLogAsync(FileBlobStore store, int rows, DateTimeOffset now)
    {
        var features = File.ReadLines(Path.Combine("models", "breast-cancer", "1", "samples.csv")).First().Split(',').Where(c => !c.StartsWith("expected_", StringComparison.Ordinal)).ToArray();
        var names = features.Select(f => JsonEncodedText.Encode(f)).ToArray();
        var random = new Random(1);
        var outcomes = new List<OutcomeSubmission>(rows);
        var benign = JsonSerializer.SerializeToElement("benign");
        var malignant = JsonSerializer.SerializeToElement("malignant");
        await store.CreateContainerIfNotExistsAsync(PredictionLogWriter.Container).ConfigureAwait(false);
        const int PerBlob = 10_000;
        for (var start = 0; start < rows; start += PerBlob)
        {
            var version = (start / PerBlob) % 5 == 0 ? "2" : "1";
            var time = now.AddHours(-23).AddSeconds(start * (23.0 * 3600 / rows));
            var buffer = new ArrayBufferWriter<byte>(PerBlob * 1024);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                for (var i = start; i < Math.Min(rows, start + PerBlob); i++)
                {
                    var p = random.NextDouble();
                    var label = p >= 0.5 ? "benign" : "malignant";
                    var id = PredictionIds.New("breast-cancer", time);
                    writer.Reset(buffer);
                    writer.WriteStartObject();
                    writer.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                    writer.WriteString("model", "breast-cancer");
                    writer.WriteString("version", version);
                    writer.WriteString("source", "http");
                    writer.WriteString("arm", PredictionLogWriter.ArmName(version == "2" ? PredictionArm.Canary : PredictionArm.Production));
                    writer.WriteString("predictionId", id);
                    writer.WriteStartObject("inputs");
                    foreach (var feature in names)
                    {
                        writer.WriteNumber(feature, Math.Round(random.NextDouble() * 100, 4));
                    }

                    writer.WriteEndObject();
                    writer.WriteStartObject("prediction");
                    writer.WriteString("label", label);
                    writer.WriteStartObject("probabilities");
                    writer.WriteNumber("malignant", 1 - p);
                    writer.WriteNumber("benign", p);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.Flush();
                    buffer.Write("\n"u8);
                    var right = random.NextDouble() < (version == "2" ? 0.83 : 0.85);
                    outcomes.Add(new OutcomeSubmission(id, (label == "benign") == right ? benign : malignant));
                }
            }

            var name = string.Create(CultureInfo.InvariantCulture, $"breast-cancer/{version}/{time:yyyy/MM/dd/HH}/{time:yyyyMMdd'T'HHmmssfff}-bench-{start}.jsonl");
            await store.UploadAsync(PredictionLogWriter.Container, name, buffer.WrittenMemory).ConfigureAwait(false);
        }

        return outcomes;
    }
}
