using System.Globalization;
using System.Text.Json;
using Shipyard.Monitoring.Internals;
using Shipyard.Scoring;
using Shipyard.Storage;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Reads the predictions the prediction log holds for a model's versions over a window: per line its time, version,
/// arm, prediction id and prediction (<see cref="PredictionLogWriter"/>'s line format). The day folders that overlap the window
/// are listed, one listing each, and only their hours that overlap it are read; lines outside the window are left out; lines that are not records are counted as skipped.
/// Lines written before predictions had ids have a null id (they count as predictions, never with an outcome); lines
/// before arms were logged read as production, or shadow when their source is shadow.
/// </summary>
public static class LoggedPredictions
{
    /// <summary>The predictions of <paramref name="versions"/> of <paramref name="model"/> made in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static async Task<(List<LoggedPrediction> Predictions, long Skipped)> ReadAsync(
        IBlobStore store, string model, IEnumerable<string> versions, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(versions);
        var predictions = new List<LoggedPrediction>();
        long skipped = 0;
        if (!await PredictionLogReader.ContainerExistsAsync(store, PredictionLogWriter.Container, cancellationToken).ConfigureAwait(false))
        {
            return (predictions, 0);
        }

        // The hours that start before the window ends; hours outside it are left unread by their folder name.
        var firstHour = HourPartitions.HourOf(from);
        var lastHour = HourPartitions.HourOf(to.AddTicks(-1));
        foreach (var version in versions)
        {
            await foreach (var name in HourPartitions.ListAsync(store, PredictionLogWriter.Container, $"{model}/{version}/", firstHour, lastHour, cancellationToken).ConfigureAwait(false))
            {
                byte[] bytes;
                try
                {
                    bytes = await store.ReadAllBytesAsync(PredictionLogWriter.Container, name, cancellationToken).ConfigureAwait(false);
                }
                catch (BlobNotFoundException)
                {
                    continue; // deleted since it was listed (retention)
                }

                skipped += ReadLines(bytes, version, from, to, predictions);
            }
        }

        return (predictions, skipped);
    }

    /// <summary>Adds the records of one log blob; returns how many lines were not records.</summary>
    private static long ReadLines(ReadOnlyMemory<byte> bytes, string version, DateTimeOffset from, DateTimeOffset to, List<LoggedPrediction> into)
    {
        long skipped = 0;
        foreach (var line in JsonLines.Of(bytes.Span))
        {
            try
            {
                if (Read(line, version) is { } record)
                {
                    if (record.Time >= from && record.Time < to)
                    {
                        into.Add(record);
                    }
                }
                else
                {
                    skipped++;
                }
            }
            catch (JsonException)
            {
                skipped++;
            }
        }

        return skipped;
    }

    /// <summary>One line, read forward only: the inputs are skipped unread (they are most of the line).</summary>
    private static LoggedPrediction? Read(ReadOnlySpan<byte> line, string version)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        DateTimeOffset? time = null;
        string? id = null, arm = null, label = null;
        double? value = null;
        Dictionary<string, double>? probabilities = null;
        var shadowSource = false;
        var hasPrediction = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                time = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t) ? t : null;
            }
            else if (reader.ValueTextEquals("predictionId"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("arm"u8))
            {
                reader.Read();
                arm = reader.TokenType != JsonTokenType.String ? null
                    : reader.ValueTextEquals("production"u8) ? "production"
                    : reader.ValueTextEquals("canary"u8) ? "canary"
                    : reader.ValueTextEquals("shadow"u8) ? "shadow"
                    : reader.ValueTextEquals("direct"u8) ? "direct"
                    : reader.GetString();
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                reader.Read();
                shadowSource = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("shadow"u8);
            }
            else if (reader.ValueTextEquals("prediction"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                hasPrediction = true;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("label"u8))
                    {
                        reader.Read();
                        label = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("value"u8))
                    {
                        reader.Read();
                        value = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : null;
                    }
                    else if (reader.ValueTextEquals("probabilities"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            reader.Skip();
                            continue;
                        }

                        probabilities = new Dictionary<string, double>(2, StringComparer.Ordinal);
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var name = reader.GetString()!;
                            reader.Read();
                            if (reader.TokenType == JsonTokenType.Number)
                            {
                                probabilities[name] = reader.GetDouble();
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (time is null || !hasPrediction || (label is null && value is null))
        {
            return null;
        }

        return new LoggedPrediction(time.Value, version, arm ?? (shadowSource ? "shadow" : "production"), id, value is null ? label : null, value is null ? probabilities : null, value);
    }
}

/// <summary>One logged prediction: when, by which version and arm, under which id, and what it predicted.</summary>
public sealed record LoggedPrediction(DateTimeOffset Time, string Version, string Arm, string? PredictionId, string? Label, IReadOnlyDictionary<string, double>? Probabilities, double? Value);
