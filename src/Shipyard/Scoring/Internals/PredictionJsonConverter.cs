using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Scoring.Internals;

/// <summary>Writes <see cref="Prediction"/> in the DESIGN.md §3 shape (no type discriminator) and reads it back.</summary>
internal sealed class PredictionJsonConverter : JsonConverter<Prediction>
{
    public override Prediction Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A prediction must be a JSON object.");
        }

        var id = root.TryGetProperty("predictionId", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (root.TryGetProperty("value", out var value))
        {
            return new RegressionPrediction(value.GetDouble()) { PredictionId = id };
        }

        if (!root.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String)
        {
            throw new JsonException("A prediction needs a string 'label' or a numeric 'value'.");
        }

        var probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root.TryGetProperty("probabilities", out var probs) && probs.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in probs.EnumerateObject())
            {
                probabilities[p.Name] = p.Value.GetDouble();
            }
        }

        return new ClassPrediction(label.GetString()!, probabilities) { PredictionId = id };
    }

    public override void Write(Utf8JsonWriter writer, Prediction value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        switch (value)
        {
            case ClassPrediction c:
                writer.WriteString("label", c.Label);
                writer.WriteStartObject("probabilities");
                foreach (var (label, p) in c.Probabilities)
                {
                    writer.WriteNumber(label, p);
                }

                writer.WriteEndObject();
                break;
            case RegressionPrediction r:
                writer.WriteNumber("value", r.Value);
                break;
            default:
                throw new JsonException($"Unknown prediction type {value.GetType().Name}.");
        }

        if (value.PredictionId is { } id)
        {
            writer.WriteString("predictionId", id);
        }

        writer.WriteEndObject();
    }
}
