using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Functions.CustomHandler;

/// <summary>
/// The body the Functions host POSTs to <c>/{FunctionName}</c> for a non-HTTP trigger (or an HTTP trigger when
/// <c>enableProxyingHttpRequest</c> is off): <c>Data</c> holds the trigger and input bindings by binding name,
/// <c>Metadata</c> the trigger metadata (with <c>sys.MethodName</c>, <c>sys.UtcNow</c>, <c>sys.RandGuid</c>).
/// https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers#request-payload
/// </summary>
/// <param name="Data">Trigger and input binding values by binding name (a blob or queue item usually arrives as a JSON string).</param>
/// <param name="Metadata">Trigger metadata by name.</param>
public sealed record InvocationRequest(
    [property: JsonPropertyName("Data")] IReadOnlyDictionary<string, JsonElement>? Data,
    [property: JsonPropertyName("Metadata")] IReadOnlyDictionary<string, JsonElement>? Metadata)
{
    /// <summary>The value of binding <paramref name="name"/> in <see cref="Data"/>, or null.</summary>
    public JsonElement? GetData(string name) =>
        Data is not null && Data.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>
    /// Binding <paramref name="name"/> as a string: a JSON string as is, another JSON value as its raw text, or null.
    /// Queue and blob payloads arrive as strings; the host sends JSON objects for some triggers (timer).
    /// </summary>
    public string? GetDataString(string name) => GetData(name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { } other => other.GetRawText(),
        null => null,
    };

    /// <summary>The value of metadata entry <paramref name="name"/> (case-insensitive, as the host's casing varies), or null.</summary>
    public JsonElement? GetMetadata(string name)
    {
        if (Metadata is null)
        {
            return null;
        }

        if (Metadata.TryGetValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in Metadata)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
