using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Shipyard.Models;
using Shipyard.Monitoring.Internals;
using Shipyard.Scoring;
using Shipyard.Storage;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Outcomes (the true label or value of earlier predictions) stored append-only in the <c>prediction-feedback</c>
/// container next to the prediction logs, one JSON Lines blob per submission, partitioned by hour received:
/// <c>{model}/{yyyy}/{MM}/{dd}/{HH}/{yyyyMMddTHHmmssfff}-{guid}.jsonl</c>, each line
/// <c>{"predictionId":"…","actual":"benign"|151.2,"received":"…"}</c> (outcomes of batch-scored rows also carry the
/// <c>version</c> and <c>prediction</c> they are about, as no prediction log holds those rows). Nothing is overwritten:
/// a second outcome for the same prediction is a new line, and <see cref="ReadAsync"/> keeps the latest, so submitting
/// again is idempotent and counts once. Works on any <see cref="IBlobStore"/> (the embedded file store, Azure).
/// Recording never touches the prediction path: it only appends a blob.
/// </summary>
public sealed class FeedbackStore(IBlobStore store, TimeProvider? time = null)
{
    /// <summary>The container outcomes are written to.</summary>
    public const string Container = "prediction-feedback";

    /// <summary>Longest prediction id accepted (ids of batch rows are built from the batch name).</summary>
    public const int MaxPredictionIdLength = 128;

    /// <summary>Most outcomes one submission may carry.</summary>
    public const int MaxOutcomes = 100_000;

    /// <summary>How far in the future a prediction id's time may be (clock skew between instances) before it is unknown.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Validates <paramref name="outcomes"/> against <paramref name="manifest"/> (a classifier's actual must be one of its
    /// labels, a regressor's a finite number) and stores the accepted ones as one blob. An id that is not one of this
    /// model's prediction ids, or whose prediction is older than <paramref name="maxAge"/>, is rejected on its own
    /// (named in the receipt) and the rest are stored.
    /// </summary>
    /// <exception cref="InvalidInputException">An actual is invalid, or there are too many outcomes; every problem is named
    /// (<c>outcomes[3].actual: …</c>) and nothing is stored.</exception>
    public async Task<FeedbackReceipt> RecordAsync(ModelManifest manifest, IReadOnlyList<OutcomeSubmission> outcomes, TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count > MaxOutcomes)
        {
            throw new InvalidInputException([new InputError("outcomes", $"{outcomes.Count} outcomes; at most {MaxOutcomes} per request")]);
        }

        var errors = new List<InputError>();
        var rejected = new List<RejectedOutcome>();
        var received = _time.GetUtcNow();
        var lines = new StringBuilder();
        var accepted = 0;
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            var actual = ActualOf(manifest, outcome.Actual, out var problem);
            if (problem is not null)
            {
                errors.Add(new InputError($"outcomes[{i}].actual", problem));
                continue;
            }

            if (IdProblem(manifest.Name, outcome, received, maxAge) is { } reason)
            {
                rejected.Add(new RejectedOutcome(i, outcome.PredictionId, reason));
                continue;
            }

            if (errors.Count == 0)
            {
                var line = new FeedbackLine(outcome.PredictionId, actual, received) { Version = outcome.Version, Prediction = outcome.Prediction };
                lines.Append(JsonSerializer.Serialize(line, FeedbackJson.Default.FeedbackLine)).Append('\n');
                accepted++;
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidInputException(errors);
        }

        if (accepted > 0)
        {
            await store.CreateContainerIfNotExistsAsync(Container, cancellationToken).ConfigureAwait(false);
            var name = string.Create(CultureInfo.InvariantCulture, $"{manifest.Name}/{received:yyyy/MM/dd/HH}/{received:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.jsonl");
            await store.UploadAsync(Container, name, Encoding.UTF8.GetBytes(lines.ToString()), new BlobUploadOptions { Conditions = BlobConditions.IfNotExists, ContentType = "application/x-ndjson" }, cancellationToken).ConfigureAwait(false);
        }

        return new FeedbackReceipt(accepted, rejected);
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

        // Only the window's hour folders are listed, not the model's whole history of outcomes (an open end, as a past
        // window re-evaluated takes every outcome received since, lists the model's folder once: this reader's clock
        // need not agree with the instances that stamped the folders).
        var names = new List<string>();
        try
        {
            await foreach (var name in HourPartitions.ListAsync(store, Container, model + "/", HourPartitions.HourOf(from), HourPartitions.HourOf(to), cancellationToken).ConfigureAwait(false))
            {
                names.Add(name);
            }
        }
        catch (BlobNotFoundException)
        {
            return latest; // no outcome was ever recorded
        }

        // Blob names start with the time received: in name order, a later outcome replaces an earlier one.
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var bytes = await store.ReadAllBytesAsync(Container, name, cancellationToken).ConfigureAwait(false);
            foreach (var line in JsonLines.Of(bytes))
            {
                var entry = ReadLine(line);
                if (latest.TryGetValue(entry.PredictionId, out var seen) && seen.Received > entry.Received)
                {
                    continue; // two submissions in one millisecond: the later received wins, whatever the blob order
                }

                latest[entry.PredictionId] = entry;
            }
        }

        return latest;
    }

    /// <summary>One stored line. Plain outcomes (nearly all) are read forward only; a line with a batch row's prediction
    /// goes through the serializer.</summary>
    private static RecordedOutcome ReadLine(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        string? id = null, label = null;
        double? value = null;
        DateTimeOffset received = default;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("predictionId"u8))
            {
                reader.Read();
                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("actual"u8))
            {
                reader.Read();
                (label, value) = reader.TokenType == JsonTokenType.String ? (reader.GetString(), (double?)null) : (null, reader.GetDouble());
            }
            else if (reader.ValueTextEquals("received"u8))
            {
                reader.Read();
                received = reader.GetDateTimeOffset();
            }
            else
            {
                var full = JsonSerializer.Deserialize(line, FeedbackJson.Default.FeedbackLine)!;
                return new RecordedOutcome(full.PredictionId, full.Actual.ValueKind == JsonValueKind.String ? full.Actual.GetString() : null,
                    full.Actual.ValueKind == JsonValueKind.Number ? full.Actual.GetDouble() : null, full.Received)
                {
                    Version = full.Version,
                    Prediction = full.Prediction,
                };
            }
        }

        return new RecordedOutcome(id ?? throw new JsonException("A feedback line without predictionId."), label, value, received);
    }

    /// <summary>Why an outcome's id cannot be accepted, or null. Outcomes of batch rows carry their own prediction and
    /// only need a well-formed id; any other id must be one of the model's prediction ids, neither expired nor future.</summary>
    private static string? IdProblem(string model, OutcomeSubmission outcome, DateTimeOffset now, TimeSpan maxAge)
    {
        var id = outcome.PredictionId;
        if (outcome.Prediction is not null)
        {
            return !string.IsNullOrEmpty(id) && id.Length <= MaxPredictionIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
                ? null
                : $"expected 1-{MaxPredictionIdLength} letters, digits, '-', '_' or '.'";
        }

        if (!PredictionIds.TryReadTime(model, id, out var made) || made > now + ClockSkew)
        {
            return $"unknown prediction id: not an id {model} gave to a prediction";
        }

        return made < now - maxAge
            ? string.Create(CultureInfo.InvariantCulture, $"expired: the prediction was made {made:yyyy-MM-dd'T'HH:mm:ss'Z'}, and outcomes are accepted for {maxAge.TotalDays:0.##} days")
            : null;
    }

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
            problem = $"expected the true value as a finite number, found {(actual.ValueKind == JsonValueKind.Undefined ? "nothing" : actual.GetRawText())}";
        }

        return actual;
    }
}

/// <summary>One outcome to record: the prediction's id and its true label (classifiers) or value (regressors).</summary>
/// <param name="PredictionId">The <c>predictionId</c> the prediction was answered with.</param>
/// <param name="Actual">The true label (a string, or a number naming a label) or value.</param>
public sealed record OutcomeSubmission(string PredictionId, JsonElement Actual)
{
    /// <summary>Batch rows (no prediction log holds them): the version that scored the row.</summary>
    public string? Version { get; init; }

    /// <summary>Batch rows: the prediction the row was scored with.</summary>
    public Prediction? Prediction { get; init; }
}

/// <summary>What a submission stored: how many outcomes were accepted, and each rejected one with its reason.</summary>
public sealed record FeedbackReceipt(int Accepted, IReadOnlyList<RejectedOutcome> Rejected);

/// <summary>An outcome not stored: its index in the submission, its id, and why.</summary>
public sealed record RejectedOutcome(int Index, string PredictionId, string Reason);

/// <summary>An outcome as stored: the label (classifiers) or value (regressors), and when it was received.</summary>
public sealed record RecordedOutcome(string PredictionId, string? Label, double? Value, DateTimeOffset Received)
{
    /// <summary>Batch rows: the version that scored the row.</summary>
    public string? Version { get; init; }

    /// <summary>Batch rows: the row's prediction.</summary>
    public Prediction? Prediction { get; init; }
}

/// <summary>One stored line.</summary>
internal sealed record FeedbackLine(string PredictionId, JsonElement Actual, DateTimeOffset Received)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Version { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Prediction? Prediction { get; init; }
}

/// <summary>Source-generated JSON for the feedback lines (camelCase, as documented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FeedbackLine))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(double))]
internal sealed partial class FeedbackJson : JsonSerializerContext;
