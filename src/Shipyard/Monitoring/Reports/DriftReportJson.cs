using System.Text;
using System.Text.Json;
using Shipyard.Monitoring.Drift;

namespace Shipyard.Monitoring.Reports;

/// <summary>
/// Writes a <see cref="DriftReport"/> as JSON (camelCase). Each feature carries the DESIGN.md §3 statistics
/// (same keys as <see cref="DriftComparisonJson"/>) plus <c>name</c>, <c>driftScore</c>, <c>decision</c>,
/// the data-quality signals and the chart data. Format documented in docs/drift.md.
/// </summary>
public static class DriftReportJson
{
    /// <summary>The report as indented UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8Bytes(DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, report);
        }

        return stream.ToArray();
    }

    /// <summary>The report as an indented JSON string.</summary>
    public static string ToJson(DriftReport report) => Encoding.UTF8.GetString(ToUtf8Bytes(report));

    private static void Write(Utf8JsonWriter writer, DriftReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("model", report.Model);
        writer.WriteString("version", report.Version);
        writer.WriteString("created", report.Created);
        writer.WriteStartObject("window");
        writer.WriteString("start", report.WindowStart);
        writer.WriteString("end", report.WindowEnd);
        writer.WriteEndObject();
        writer.WriteString("status", report.Status);
        writer.WriteNumber("rows", report.Rows);
        writer.WriteNumber("minimumRows", report.MinimumRows);
        writer.WriteNumber("skippedRecords", report.SkippedRecords);
        if (report.DatasetDrift is { } dataset)
        {
            writer.WriteStartObject("datasetDrift");
            writer.WriteNumber("driftedShare", dataset.DriftedShare);
            writer.WriteBoolean("drifted", dataset.Drifted);
            writer.WriteNumber("driftedFeatures", report.Features.Count(f => f.Drift.Drifted));
            writer.WriteNumber("features", report.Features.Count);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("datasetDrift");
        }

        writer.WriteStartArray("topDriftedFeatures");
        foreach (var name in report.TopDriftedFeatures)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("features");
        foreach (var feature in report.Features)
        {
            WriteFeature(writer, feature);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("prediction");
        if (report.Prediction is { } prediction)
        {
            WriteFeature(writer, prediction);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    private static void WriteFeature(Utf8JsonWriter writer, FeatureReport feature)
    {
        var drift = feature.Drift;
        writer.WriteStartObject();
        writer.WriteString("name", drift.Name);
        writer.WriteNumber("driftScore", feature.DriftScore);
        writer.WriteStartObject("decision");
        writer.WriteString("method", drift.Decision.Method);
        DriftComparisonJson.WriteNumber(writer, "score", drift.Decision.Score);
        DriftComparisonJson.WriteNumber(writer, "threshold", drift.Decision.Threshold);
        writer.WriteEndObject();
        writer.WriteNumber("referenceCount", drift.ReferenceCount);
        writer.WriteNumber("currentCount", drift.CurrentCount);
        writer.WritePropertyName("statistics");
        DriftComparisonJson.WriteFeature(writer, drift);
        writer.WriteBoolean("drifted", drift.Drifted);
        writer.WriteString("kind", drift.Kind == FeatureKind.Numeric ? "numeric" : "categorical");
        if (feature.OutsideTrainingRange is { } outside)
        {
            writer.WriteNumber("outsideTrainingRange", outside);
        }

        if (feature.UnseenCategories is { } unseen)
        {
            writer.WriteStartArray("unseenCategories");
            foreach (var category in unseen)
            {
                writer.WriteStringValue(category);
            }

            writer.WriteEndArray();
            DriftComparisonJson.WriteNumber(writer, "unseenCategoryShare", feature.UnseenCategoryShare);
        }

        if (feature.Chart is { } chart)
        {
            writer.WriteStartObject("chart");
            writer.WriteStartArray("labels");
            foreach (var label in chart.Labels)
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
            WriteNumbers(writer, "reference", chart.Reference);
            WriteNumbers(writer, "current", chart.Current);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, IReadOnlyList<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(double.IsFinite(value) ? value : 0.0);
        }

        writer.WriteEndArray();
    }
}
