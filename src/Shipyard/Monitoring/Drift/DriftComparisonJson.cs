using System.Text.Json;

namespace Shipyard.Monitoring.Drift;

/// <summary>
/// Writes a <see cref="DriftComparison"/> in the contract shape of DESIGN.md §3 (the shape of
/// <c>expected.json</c> in the scipy reference cases): <c>categorical</c>, <c>features.&lt;name&gt;.{kind, ks{statistic,
/// pValue}, wasserstein, psi, jensenShannon, chiSquare{statistic, pValue}, drifted, missingRate{reference, current}}</c>,
/// <c>datasetDrift{driftedShare, drifted}</c>. Keys a feature kind does not have are omitted; statistics that
/// cannot be computed (no values on one side) are null. Numbers use the shortest round-trip form.
/// </summary>
public static class DriftComparisonJson
{
    /// <summary>Writes the comparison as indented UTF-8 JSON.</summary>
    public static void Write(Stream stream, DriftComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(comparison);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        Write(writer, comparison);
    }

    /// <summary>The comparison as an indented JSON string.</summary>
    public static string ToJson(DriftComparison comparison)
    {
        using var stream = new MemoryStream();
        Write(stream, comparison);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the comparison object to an open writer.</summary>
    public static void Write(Utf8JsonWriter writer, DriftComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(comparison);
        writer.WriteStartObject();
        writer.WriteStartArray("categorical");
        foreach (var name in comparison.Categorical)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("features");
        foreach (var feature in comparison.Features)
        {
            writer.WritePropertyName(feature.Name);
            WriteFeature(writer, feature);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("datasetDrift");
        writer.WriteNumber("driftedShare", comparison.DatasetDrift.DriftedShare);
        writer.WriteBoolean("drifted", comparison.DatasetDrift.Drifted);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes one feature's statistics object.</summary>
    public static void WriteFeature(Utf8JsonWriter writer, FeatureDrift feature)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(feature);
        writer.WriteStartObject();
        var numeric = feature.Kind == FeatureKind.Numeric;
        writer.WriteString("kind", numeric ? "numeric" : "categorical");
        if (numeric)
        {
            writer.WriteStartObject("ks");
            WriteNumber(writer, "statistic", feature.Ks?.Statistic);
            WriteNumber(writer, "pValue", feature.Ks?.PValue);
            writer.WriteEndObject();
            WriteNumber(writer, "wasserstein", feature.Wasserstein);
        }
        else
        {
            writer.WriteStartObject("chiSquare");
            WriteNumber(writer, "statistic", feature.ChiSquare?.Statistic);
            WriteNumber(writer, "pValue", feature.ChiSquare?.PValue);
            writer.WriteEndObject();
        }

        WriteNumber(writer, "psi", feature.Psi);
        WriteNumber(writer, "jensenShannon", feature.JensenShannon);
        writer.WriteBoolean("drifted", feature.Drifted);
        writer.WriteStartObject("missingRate");
        WriteNumber(writer, "reference", feature.MissingRate.Reference);
        WriteNumber(writer, "current", feature.MissingRate.Current);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes a number, or null when absent or not finite (JSON has no NaN).</summary>
    public static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
