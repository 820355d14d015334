using System.Globalization;
using System.Text.Json;

namespace Shipyard.Models.Internals;

/// <summary>Reads and writes routing.json, naming the field in every error.</summary>
internal static class RoutingSerializer
{
    /// <summary>Most previous production versions kept for rollback.</summary>
    public const int MaxHistory = 50;

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static ModelRouting Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 16 });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new ManifestException($"routing.json: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            return Read(doc.RootElement);
        }
    }

    /// <summary>Reads a routing from JSON already parsed (a request body).</summary>
    public static ModelRouting Read(JsonElement root)
    {
        var errors = new List<string>();
        var r = new JsonFieldReader(errors);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ManifestException($"routing.json: expected a JSON object, got {JsonFieldReader.Describe(root)}");
        }

        var routing = new ModelRouting
        {
            Production = VersionField(root, "", "production", r),
            Staging = VersionField(root, "", "staging", r),
            Shadow = VersionField(root, "", "shadow", r),
            Canary = ParseCanary(root, r),
            History = ParseHistory(root, r),
        };
        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        return routing;
    }

    public static byte[] Serialize(ModelRouting routing)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            WriteNullable(w, "production", routing.Production);
            WriteNullable(w, "staging", routing.Staging);
            if (routing.Canary is null)
            {
                w.WriteNull("canary");
            }
            else
            {
                w.WriteStartObject("canary");
                w.WriteString("version", routing.Canary.Version);
                w.WriteNumber("percent", routing.Canary.Percent);
                w.WriteEndObject();
            }

            WriteNullable(w, "shadow", routing.Shadow);
            w.WriteStartArray("history");
            foreach (var v in routing.History)
            {
                w.WriteStringValue(v);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static IReadOnlyList<string> Validate(ModelRouting routing)
    {
        var errors = new List<string>();
        Check(routing.Production, "production");
        Check(routing.Staging, "staging");
        Check(routing.Shadow, "shadow");
        if (routing.Canary is { } c)
        {
            Check(c.Version, "canary.version");
            if (c.Version is null)
            {
                errors.Add("canary.version: is required");
            }

            if (!double.IsFinite(c.Percent) || c.Percent < 0 || c.Percent > 100)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"canary.percent: expected a number from 0 to 100, got {c.Percent}"));
            }
        }

        for (var i = 0; i < routing.History.Count; i++)
        {
            Check(routing.History[i], $"history[{i}]");
        }

        return errors;

        void Check(string? version, string path)
        {
            if (version is not null && !ManifestParser.IsValidVersion(version))
            {
                errors.Add($"{path}: '{UserText.Shorten(version, 64)}' is not a valid version (a positive integer without leading zeros, such as \"1\")");
            }
        }
    }

    private static string? VersionField(JsonElement obj, string prefix, string name, JsonFieldReader r)
    {
        if (!r.TryGet(obj, prefix, name, false, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String && ManifestParser.IsValidVersion(v.GetString()))
        {
            return v.GetString();
        }

        r.Add(JsonFieldReader.Join(prefix, name), v.ValueKind == JsonValueKind.String
            ? $"'{UserText.Shorten(v.GetString()!, 64)}' is not a valid version (a positive integer without leading zeros, such as \"1\")"
            : $"expected a version string such as \"1\", got {JsonFieldReader.Describe(v)}");
        return null;
    }

    private static CanaryRoute? ParseCanary(JsonElement root, JsonFieldReader r)
    {
        if (!r.Object(root, "", "canary", required: false, out var c))
        {
            return null;
        }

        var version = VersionField(c, "canary", "version", r);
        if (version is null && !c.TryGetProperty("version", out _))
        {
            r.Add("canary.version", "is required");
        }

        double? percent = null;
        if (r.TryGet(c, "canary", "percent", true, out var p))
        {
            if (p.ValueKind == JsonValueKind.Number && p.TryGetDouble(out var d) && d is >= 0 and <= 100)
            {
                percent = d;
            }
            else
            {
                r.Add("canary.percent", $"expected a number from 0 to 100, got {JsonFieldReader.Describe(p)}");
            }
        }

        return version is not null && percent is not null ? new CanaryRoute(version, percent.Value) : null;
    }

    private static List<string> ParseHistory(JsonElement root, JsonFieldReader r)
    {
        var history = new List<string>();
        if (!r.Array(root, "", "history", required: false, out var array))
        {
            return history;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"history[{i++}]";
            if (item.ValueKind == JsonValueKind.String && ManifestParser.IsValidVersion(item.GetString()))
            {
                history.Add(item.GetString()!);
            }
            else
            {
                r.Add(path, $"expected a version string such as \"1\", got {JsonFieldReader.Describe(item)}");
            }
        }

        return history.Count > MaxHistory ? history[^MaxHistory..] : history;
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
