using System.Globalization;
using System.Text;
using System.Text.Json;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Storage;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Outcomes (the true label or value of earlier predictions) stored append-only in the <c>prediction-feedback</c>
/// container next to the prediction logs, one JSON Lines blob per submission, partitioned by hour:
/// <c>{model}/{yyyy}/{MM}/{dd}/{HH}/{yyyyMMddTHHmmssfff}-{guid}.jsonl</c>, each line
/// <c>{"predictionId":"…","actual":"benign"|151.2,"received":"…"}</c>. Nothing is overwritten: a second outcome for the
/// same prediction is a new line, and <see cref="ReadAsync"/> keeps the latest, so submitting again is idempotent and
/// counts once. Works on any <see cref="IBlobStore"/> (the embedded file store, Azure).
/// </summary>
public sealed class FeedbackStore(IBlobStore store, TimeProvider? time = null)
{
    /// <summary>The container outcomes are written to.</summary>
    public const string Container = "prediction-feedback";

    /// <summary>Longest prediction id accepted.</summary>
    public const int MaxPredictionIdLength = 128;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Validates <paramref name="outcomes"/> against <paramref name="manifest"/> (a classifier's actual must be one of its
    /// labels, a regressor's a finite number; ids are 1–128 letters, digits, '-', '_' or '.') and stores them as one blob.
    /// </summary>
    /// <returns>How many outcomes were stored.</returns>
    /// <exception cref="InvalidInputException">An outcome is invalid; every problem is named (<c>outcomes[3].actual: …</c>) and nothing is stored.</exception>
    public async Task<int> RecordAsync(ModelManifest manifest, IReadOnlyList<(string PredictionId, JsonElement Actual)> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(outcomes);
        var errors = new List<InputError>();
        var received = _time.GetUtcNow();
        var lines = new StringBuilder();
        for (var i = 0; i < outcomes.Count; i++)
        {
            var (id, actual) = outcomes[i];
            if (!IsValidId(id))
            {
                errors.Add(new InputError($"outcomes[{i}].predictionId", $"expected 1-{MaxPredictionIdLength} letters, digits, '-', '_' or '.'"));
            }

            var value = ActualOf(manifest, actual, out var problem);
            if (problem is not null)
            {
                errors.Add(new InputError($"outcomes[{i}].actual", problem));
            }

            if (errors.Count == 0)
            {
                lines.Append(JsonSerializer.Serialize(new FeedbackLine(id, value, received), FeedbackJson.Default.FeedbackLine)).Append('\n');
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidInputException(errors);
        }

        if (outcomes.Count == 0)
        {
            return 0;
        }

        await store.CreateContainerIfNotExistsAsync(Container, cancellationToken).ConfigureAwait(false);
        var name = string.Create(CultureInfo.InvariantCulture, $"{manifest.Name}/{received:yyyy/MM/dd/HH}/{received:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.jsonl");
        await store.UploadAsync(Container, name, Encoding.UTF8.GetBytes(lines.ToString()), new BlobUploadOptions { Conditions = BlobConditions.IfNotExists, ContentType = "application/x-ndjson" }, cancellationToken).ConfigureAwait(false);
        return outcomes.Count;
    }

    /// <summary>The latest outcome of each prediction of <paramref name="model"/> received in the hours [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public async Task<IReadOnlyDictionary<string, RecordedOutcome>> ReadAsync(string model, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var latest = new Dictionary<string, RecordedOutcome>(StringComparer.Ordinal);
        if (!ModelManifest.IsValidName(model))
        {
            return latest;
        }

        var firstHour = new DateTimeOffset(from.UtcDateTime.Year, from.UtcDateTime.Month, from.UtcDateTime.Day, from.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        var names = new List<string>();
        try
        {
            await foreach (var blob in store.ListAsync(Container, model + "/", cancellationToken).ConfigureAwait(false))
            {
                if (HourOf(blob.Name) is { } hour && hour >= firstHour && hour <= to)
                {
                    names.Add(blob.Name);
                }
            }
        }
        catch (BlobNotFoundException)
        {
            return latest; // no outcome was ever recorded
        }

        // Blob names start with the time received: in name order, a later outcome replaces an earlier one.
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            foreach (var line in (await store.ReadAllTextAsync(Container, name, cancellationToken).ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = JsonSerializer.Deserialize(line, FeedbackJson.Default.FeedbackLine)!;
                if (latest.TryGetValue(entry.PredictionId, out var seen) && seen.Received > entry.Received)
                {
                    continue; // two submissions in one millisecond: the later received wins, whatever the blob order
                }

                latest[entry.PredictionId] = new RecordedOutcome(entry.PredictionId, entry.Actual.ValueKind == JsonValueKind.String ? entry.Actual.GetString() : null,
                    entry.Actual.ValueKind == JsonValueKind.Number ? entry.Actual.GetDouble() : null, entry.Received);
            }
        }

        return latest;
    }

    private static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxPredictionIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static JsonElement ActualOf(ModelManifest manifest, JsonElement actual, out string? problem)
    {
        problem = null;
        if (manifest.IsClassifier)
        {
            var label = actual.ValueKind switch
            {
                JsonValueKind.String => actual.GetString()!,
                JsonValueKind.Number => actual.GetRawText(),
                _ => null,
            };
            if (label is null || !manifest.Labels.Contains(label, StringComparer.Ordinal))
            {
                problem = $"'{(label ?? actual.GetRawText())}' is not a label of {manifest.Name} (labels: {string.Join(", ", manifest.Labels)})";
                return actual;
            }

            return JsonSerializer.SerializeToElement(label, FeedbackJson.Default.String);
        }

        if (actual.ValueKind != JsonValueKind.Number || !actual.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            problem = $"expected the true value as a finite number, found {actual.GetRawText()}";
        }

        return actual;
    }

    /// <summary>The hour partition of a blob name <c>{model}/{yyyy}/{MM}/{dd}/{HH}/…</c>, or null for anything else.</summary>
    private static DateTimeOffset? HourOf(string name)
    {
        var parts = name.Split('/');
        return parts.Length == 6 && DateTimeOffset.TryParseExact($"{parts[1]}-{parts[2]}-{parts[3]}T{parts[4]}", "yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var hour) ? hour : null;
    }
}

/// <summary>An outcome as stored: the label (classifiers) or value (regressors), and when it was received.</summary>
public sealed record RecordedOutcome(string PredictionId, string? Label, double? Value, DateTimeOffset Received);

/// <summary>One stored line.</summary>
internal sealed record FeedbackLine(string PredictionId, JsonElement Actual, DateTimeOffset Received);

/// <summary>Source-generated JSON for the feedback lines (camelCase, as documented).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(FeedbackLine))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class FeedbackJson : System.Text.Json.Serialization.JsonSerializerContext;
