using System.Globalization;
using System.Text.Json;
using Shipyard.Scoring;
using Shipyard.Storage;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Reads the predictions the prediction log holds for a model's versions over a window: per line its time, version,
/// arm, prediction id and prediction (<see cref="PredictionLogWriter"/>'s line format). Only the hour folders that overlap
/// the window are listed; lines outside the window are left out; lines that are not records are counted as skipped.
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

        var first = new DateTimeOffset(from.UtcDateTime.Year, from.UtcDateTime.Month, from.UtcDateTime.Day, from.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        foreach (var version in versions)
        {
            for (var hour = first; hour < to; hour = hour.AddHours(1))
            {
                var prefix = string.Create(CultureInfo.InvariantCulture, $"{model}/{version}/{hour:yyyy}/{hour:MM}/{hour:dd}/{hour:HH}/");
                await foreach (var blob in store.ListAsync(PredictionLogWriter.Container, prefix, cancellationToken).ConfigureAwait(false))
                {
                    byte[] bytes;
                    try
                    {
                        bytes = await store.ReadAllBytesAsync(PredictionLogWriter.Container, blob.Name, cancellationToken).ConfigureAwait(false);
                    }
                    catch (BlobNotFoundException)
                    {
                        continue; // deleted since it was listed (retention)
                    }

                    skipped += ReadLines(bytes, version, from, to, predictions);
                }
            }
        }

        return (predictions, skipped);
    }

    /// <summary>Adds the records of one log blob; returns how many lines were not records.</summary>
    private static long ReadLines(ReadOnlyMemory<byte> bytes, string version, DateTimeOffset from, DateTimeOffset to, List<LoggedPrediction> into)
    {
        long skipped = 0;
        var rest = bytes;
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (line.Span.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (Read(document.RootElement, version) is { } record)
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

    private static LoggedPrediction? Read(JsonElement root, string version)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("time", out var t) || !t.TryGetDateTimeOffset(out var time) ||
            !root.TryGetProperty("prediction", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var id = root.TryGetProperty("predictionId", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        var arm = root.TryGetProperty("arm", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()!
            : root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String && s.ValueEquals("shadow") ? "shadow" : "production";
        if (p.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Number)
        {
            return new LoggedPrediction(time, version, arm, id, null, null, value.GetDouble());
        }

        if (!p.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        Dictionary<string, double>? probabilities = null;
        if (p.TryGetProperty("probabilities", out var probs) && probs.ValueKind == JsonValueKind.Object)
        {
            probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var member in probs.EnumerateObject())
            {
                if (member.Value.ValueKind == JsonValueKind.Number)
                {
                    probabilities[member.Name] = member.Value.GetDouble();
                }
            }
        }

        return new LoggedPrediction(time, version, arm, id, label.GetString(), probabilities, null);
    }
}

/// <summary>One logged prediction: when, by which version and arm, under which id, and what it predicted.</summary>
public sealed record LoggedPrediction(DateTimeOffset Time, string Version, string Arm, string? PredictionId, string? Label, IReadOnlyDictionary<string, double>? Probabilities, double? Value);
