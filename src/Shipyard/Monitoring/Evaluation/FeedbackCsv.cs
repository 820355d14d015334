using System.Globalization;
using System.Text.Json;
using Shipyard.Batch;
using Shipyard.Batch.Internals;
using Shipyard.Models;
using Shipyard.Scoring;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Outcomes posted as CSV (<c>Content-Type: text/csv</c>). Two shapes, told apart by the header:
/// <list type="bullet">
/// <item>a <c>predictionId</c> and an <c>actual</c> column: outcomes of predictions answered over HTTP or the queue;</item>
/// <item>a batch's scored CSV with an <c>actual</c> column added: its <c>prediction</c> (and <c>probability_&lt;label&gt;</c>)
/// columns are the predictions, the <c>version</c> parameter the version that scored it (its report.json's) and each
/// row's id is <c>{batch}.{row}</c> (row 1-based, header excluded), so posting the same file again replaces, never
/// doubles, its outcomes.</item>
/// </list>
/// Other columns are ignored. Every problem is named (<c>rows[3].prediction: …</c>) and then nothing is recorded.
/// </summary>
public static class FeedbackCsv
{
    /// <summary>The column of the true label or value.</summary>
    public const string ActualColumn = "actual";

    /// <summary>The column of the prediction id.</summary>
    public const string PredictionIdColumn = "predictionId";

    /// <summary>Reads the outcomes of <paramref name="csv"/>.</summary>
    /// <param name="csv">UTF-8 CSV with a header.</param>
    /// <param name="manifest">The model's manifest (task, labels).</param>
    /// <param name="version">The version that scored a batch file (required for that shape).</param>
    /// <param name="batch">A name for the batch file, 1-64 letters, digits, '-', '_' or '.' (required for that shape).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidInputException">Missing columns or parameters, unreadable predictions, too many rows.</exception>
    public static async Task<List<OutcomeSubmission>> ReadAsync(Stream csv, ModelManifest manifest, string? version, string? batch, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadCoreAsync(csv, manifest, version, batch, cancellationToken).ConfigureAwait(false);
        }
        catch (CsvFormatException ex)
        {
            throw new InvalidInputException([new InputError("body", ex.Message)]);
        }
    }

    private static async Task<List<OutcomeSubmission>> ReadCoreAsync(Stream csv, ModelManifest manifest, string? version, string? batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(manifest);
        var errors = new List<InputError>();
        var outcomes = new List<OutcomeSubmission>();
        await using var reader = new CsvReader(csv, leaveOpen: true);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidInputException([new InputError("body", "the CSV is empty; expected a header with an 'actual' column")]);
        }

        var header = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetField(i).ToString()).ToList();
        var actual = header.IndexOf(ActualColumn);
        var id = header.IndexOf(PredictionIdColumn);
        var prediction = header.IndexOf(BatchPipeline.PredictionColumn);
        var probabilities = manifest.IsClassifier ? manifest.Labels.Select(l => header.IndexOf(BatchPipeline.ProbabilityColumnPrefix + l)).ToArray() : [];
        if (actual < 0)
        {
            errors.Add(new InputError("header", $"no '{ActualColumn}' column (columns: {string.Join(", ", header)})"));
        }

        var scoredFile = id < 0;
        if (scoredFile)
        {
            if (prediction < 0)
            {
                errors.Add(new InputError("header", $"expected a '{PredictionIdColumn}' column, or a scored file's '{BatchPipeline.PredictionColumn}' column"));
            }

            if (string.IsNullOrEmpty(version) || !ModelManifest.IsValidVersion(version))
            {
                errors.Add(new InputError("version", "a scored file's outcomes need the version that scored it (?version=, from its report.json)"));
            }

            if (string.IsNullOrEmpty(batch) || batch.Length > 64 || !batch.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                errors.Add(new InputError("batch", "a scored file's outcomes need a batch name (?batch=, 1-64 letters, digits, '-', '_' or '.'), which names its rows"));
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidInputException(errors);
        }

        var withProbabilities = probabilities.Length > 0 && probabilities.All(p => p >= 0);
        var row = -1; // 0-based, header excluded: a row with problems still counts, so later rows keep their numbers
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row++;
            if (row >= FeedbackStore.MaxOutcomes)
            {
                throw new InvalidInputException([new InputError("body", $"more than {FeedbackStore.MaxOutcomes} rows; post them in parts")]);
            }

            if (reader.RecordError is { } recordError)
            {
                errors.Add(new InputError($"rows[{row}]", recordError));
                continue;
            }

            var actualText = Field(reader, actual);
            if (!scoredFile)
            {
                outcomes.Add(new OutcomeSubmission(Field(reader, id), ActualElement(actualText, manifest)));
                continue;
            }

            var predicted = Field(reader, prediction);
            Prediction? value = null;
            if (manifest.IsClassifier)
            {
                var probs = new Dictionary<string, double>(StringComparer.Ordinal);
                for (var c = 0; withProbabilities && c < probabilities.Length; c++)
                {
                    if (!double.TryParse(Field(reader, probabilities[c]), NumberStyles.Float, CultureInfo.InvariantCulture, out var p))
                    {
                        errors.Add(new InputError($"rows[{row}].{BatchPipeline.ProbabilityColumnPrefix}{manifest.Labels[c]}", "expected a number"));
                    }

                    probs[manifest.Labels[c]] = p;
                }

                value = new ClassPrediction(predicted, probs);
            }
            else if (double.TryParse(predicted, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                value = new RegressionPrediction(number);
            }
            else
            {
                errors.Add(new InputError($"rows[{row}].{BatchPipeline.PredictionColumn}", $"expected a number, found '{predicted}'"));
            }

            outcomes.Add(new OutcomeSubmission(string.Create(CultureInfo.InvariantCulture, $"{batch}.{row + 1}"), ActualElement(actualText, manifest))
            {
                Version = version,
                Prediction = value,
            });
        }

        if (errors.Count > 0)
        {
            throw new InvalidInputException(errors);
        }

        return outcomes;
    }

    private static string Field(CsvReader reader, int index) => index < reader.FieldCount ? reader.GetField(index).ToString() : string.Empty;

    /// <summary>A regressor's actual as a JSON number when it reads as one (else as text, which validation then names); a label as text.</summary>
    private static JsonElement ActualElement(string text, ModelManifest manifest) =>
        !manifest.IsClassifier && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? JsonSerializer.SerializeToElement(number, FeedbackJson.Default.Double)
            : JsonSerializer.SerializeToElement(text, FeedbackJson.Default.String);
}
