using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Monitoring.Internals;

/// <summary>
/// Writes number lists on one line even in indented JSON (a 10,000-value sample would otherwise take
/// 10,000 lines of baseline.json); reads them as ordinary arrays.
/// </summary>
internal sealed class CompactNumberListConverter<T> : JsonConverter<IReadOnlyList<T>>
    where T : struct, IFormattable
{
    public override IReadOnlyList<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T[]>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options)
    {
        var builder = new StringBuilder(value.Count * 20).Append('[');
        for (var i = 0; i < value.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            if (value[i] is double d && !double.IsFinite(d))
            {
                throw new JsonException($"Cannot write {d} in JSON.");
            }

            builder.Append(value[i].ToString("R", CultureInfo.InvariantCulture));
        }

        writer.WriteRawValue(builder.Append(']').ToString(), skipInputValidation: true);
    }
}
