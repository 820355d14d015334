using System.Globalization;
using System.Text.Json;
using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Drift;
using Shipyard.Storage;

namespace Shipyard.Monitoring;

/// <summary>
/// Reads the prediction logs of one model version over a window into a <see cref="FeatureTable"/> with the
/// baseline's feature columns and a <c>prediction</c> column (label, or value for regressors). Logs follow the
/// team contract: <c>{model}/{version}/{yyyy}/{MM}/{dd}/{HH}/…jsonl</c> in container prediction-logs, one JSON
/// record per line. Only the hour folders that overlap the window are listed; records outside the window are
/// dropped; lines that are not valid records are counted and skipped.
/// </summary>
public static class PredictionLogReader
{
    /// <summary>The window's records as columns, and how many lines were skipped.</summary>
    public sealed record Result(FeatureTable Table, long Skipped);

    /// <summary>Reads the window [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public static async Task<Result> ReadAsync(IBlobStore store, string container, BaselineProfile baseline, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(baseline);
        var features = baseline.Features;
        var numbers = features.Select(f => f.IsCategorical ? null : new List<double>()).ToArray();
        var strings = features.Select(f => f.IsCategorical ? new List<string?>() : null).ToArray();
        var predictionLabels = new List<string?>();
        var predictionValues = new List<double>();
        var predictionIsLabel = baseline.Prediction?.IsCategorical ?? true;
        long skipped = 0;
        if (!await ContainerExistsAsync(store, container, cancellationToken).ConfigureAwait(false))
        {
            return new Result(Build(), 0);
        }

        for (var hour = Truncate(start.ToUniversalTime()); hour < end; hour = hour.AddHours(1))
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{baseline.Model}/{baseline.Version}/{hour:yyyy}/{hour:MM}/{hour:dd}/{hour:HH}/");
            await foreach (var blob in store.ListAsync(container, prefix, cancellationToken).ConfigureAwait(false))
            {
                await using var stream = await store.OpenReadAsync(container, blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    if (string.IsNullOrWhiteSpace(line))
                    {
                        continue;
                    }

                    if (!TryAdd(line))
                    {
                        skipped++;
                    }
                }
            }
        }

        return new Result(Build(), skipped);

        bool TryAdd(string line)
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (!root.TryGetProperty("time", out var timeElement) || !timeElement.TryGetDateTimeOffset(out var time) || !root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                if (time < start || time >= end)
                {
                    return true;
                }

                for (var i = 0; i < features.Count; i++)
                {
                    var has = inputs.TryGetProperty(features[i].Name, out var value);
                    if (features[i].IsCategorical)
                    {
                        strings[i]!.Add(has ? AsText(value) : null);
                    }
                    else
                    {
                        numbers[i]!.Add(has ? AsNumber(value) : double.NaN);
                    }
                }

                var prediction = root.TryGetProperty("prediction", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
                if (predictionIsLabel)
                {
                    predictionLabels.Add(prediction.ValueKind == JsonValueKind.Object && prediction.TryGetProperty("label", out var label) ? AsText(label) : null);
                }
                else
                {
                    predictionValues.Add(prediction.ValueKind == JsonValueKind.Object && prediction.TryGetProperty("value", out var v) ? AsNumber(v) : double.NaN);
                }

                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        FeatureTable Build()
        {
            var table = new FeatureTable();
            for (var i = 0; i < features.Count; i++)
            {
                if (features[i].IsCategorical)
                {
                    table.AddCategorical(features[i].Name, [.. strings[i]!]);
                }
                else
                {
                    table.AddNumeric(features[i].Name, [.. numbers[i]!]);
                }
            }

            if (baseline.Prediction is not null && !table.Contains(BaselineProfiler.PredictionColumn))
            {
                if (predictionIsLabel)
                {
                    table.AddCategorical(BaselineProfiler.PredictionColumn, [.. predictionLabels]);
                }
                else
                {
                    table.AddNumeric(BaselineProfiler.PredictionColumn, [.. predictionValues]);
                }
            }

            return table;
        }
    }

    /// <summary>Whether <paramref name="container"/> exists (listing a missing one throws on some stores and not on others).</summary>
    internal static async Task<bool> ContainerExistsAsync(IBlobStore store, string container, CancellationToken cancellationToken)
    {
        try
        {
            await store.ListPageAsync(container, pageSize: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static double AsNumber(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => double.NaN,
    };
}
