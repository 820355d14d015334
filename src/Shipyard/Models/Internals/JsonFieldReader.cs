using System.Globalization;
using System.Text.Json;

namespace Shipyard.Models.Internals;

/// <summary>Reads typed fields out of a <see cref="JsonElement"/> object, collecting one field-named error per problem
/// instead of throwing at the first one (so a manifest author sees every mistake at once).</summary>
internal sealed class JsonFieldReader(List<string> errors)
{
    public List<string> Errors { get; } = errors;

    public void Add(string path, string message) => Errors.Add($"{path}: {message}");

    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    public bool TryGet(JsonElement obj, string prefix, string name, bool required, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            Add(Join(prefix, name), "is required");
        }

        return false;
    }

    public string? String(JsonElement obj, string prefix, string name, bool required)
    {
        if (!TryGet(obj, prefix, name, required, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Add(Join(prefix, name), $"expected a string, got {Describe(v)}");
            return null;
        }

        var s = v.GetString()!;
        if (required && s.Length == 0)
        {
            Add(Join(prefix, name), "must not be empty");
            return null;
        }

        return s;
    }

    public bool? Boolean(JsonElement obj, string prefix, string name)
    {
        if (!TryGet(obj, prefix, name, false, out var v))
        {
            return null;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        Add(Join(prefix, name), $"expected true or false, got {Describe(v)}");
        return null;
    }

    public double? Number(JsonElement obj, string prefix, string name)
    {
        if (!TryGet(obj, prefix, name, false, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }

        Add(Join(prefix, name), $"expected a finite number, got {Describe(v)}");
        return null;
    }

    public int? Integer(JsonElement obj, string prefix, string name, int min, int max)
    {
        if (!TryGet(obj, prefix, name, false, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i >= min && i <= max)
        {
            return i;
        }

        Add(Join(prefix, name), string.Create(CultureInfo.InvariantCulture, $"expected an integer from {min} to {max}, got {Describe(v)}"));
        return null;
    }

    public T? Enum<T>(JsonElement obj, string prefix, string name, bool required, IReadOnlyDictionary<string, T> values, string expected)
        where T : struct
    {
        if (!TryGet(obj, prefix, name, required, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String && values.TryGetValue(v.GetString()!, out var parsed))
        {
            return parsed;
        }

        Add(Join(prefix, name), $"expected {expected}, got {Describe(v)}");
        return null;
    }

    public bool Array(JsonElement obj, string prefix, string name, bool required, out JsonElement array)
    {
        if (!TryGet(obj, prefix, name, required, out array))
        {
            return false;
        }

        if (array.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        Add(Join(prefix, name), $"expected an array, got {Describe(array)}");
        return false;
    }

    public bool Object(JsonElement obj, string prefix, string name, bool required, out JsonElement value)
    {
        if (!TryGet(obj, prefix, name, required, out value))
        {
            return false;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Add(Join(prefix, name), $"expected an object, got {Describe(value)}");
        return false;
    }

    /// <summary>A short description of a JSON value for error messages (never the whole value: it may be huge).</summary>
    public static string Describe(JsonElement v) =>
        v.ValueKind == JsonValueKind.Number ? "the number " + UserText.Shorten(v.GetRawText(), 32) : UserText.Describe(v.ValueKind);
}
