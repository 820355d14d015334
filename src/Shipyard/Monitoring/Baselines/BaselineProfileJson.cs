using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Monitoring.Baselines;

/// <summary>Reads and writes baseline.json (camelCase, indented, nulls omitted).</summary>
public static class BaselineProfileJson
{
    /// <summary>The serializer options used for baseline.json.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new Internals.CompactNumberListConverter<double>(), new Internals.CompactNumberListConverter<long>() },
    };

    /// <summary>Serializes a profile.</summary>
    public static string Serialize(BaselineProfile profile) => JsonSerializer.Serialize(profile, Options);

    /// <summary>Parses a profile.</summary>
    /// <exception cref="InvalidDataException">The text is not a baseline profile.</exception>
    public static BaselineProfile Deserialize(string json, string? origin = null)
    {
        try
        {
            return JsonSerializer.Deserialize<BaselineProfile>(json, Options)
                ?? throw new InvalidDataException($"{origin ?? "baseline"} is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{origin ?? "baseline"} is not a valid baseline profile: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a baseline.json file.</summary>
    public static BaselineProfile Read(string path) => Deserialize(File.ReadAllText(path), path);
}
