using System.Text;
using System.Text.Json;
using Shipyard.Scoring;

namespace Shipyard.Streaming.Internals;

/// <summary>Writes result messages: <c>{"id","model","version","predictions"}</c> and <c>{"id","error":{"type","title","errors":[{"path","message"}]}}</c>.</summary>
internal static class StreamResultWriter
{
    public static string Predictions(string id, PredictionResponse response) => Write(w =>
    {
        w.WriteString("id", id);
        w.WriteString("model", response.Model);
        w.WriteString("version", response.Version);
        w.WritePropertyName("predictions");
        JsonSerializer.Serialize(w, response.Predictions);
    });

    public static string Error(string? id, string type, string title, IEnumerable<InputError> errors, bool truncated = false) => Write(w =>
    {
        if (id is null)
        {
            w.WriteNull("id");
        }
        else
        {
            w.WriteString("id", id);
        }

        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("title", title);
        w.WriteStartArray("errors");
        foreach (var error in errors)
        {
            w.WriteStartObject();
            w.WriteString("path", error.Path);
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (truncated)
        {
            w.WriteBoolean("truncated", true);
        }

        w.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
