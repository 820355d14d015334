using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>Request bodies.</summary>
public static class Json
{
    /// <summary>Serializes <paramref name="value"/> as an application/json body.</summary>
    public static StringContent Body(object value) => Raw(JsonSerializer.Serialize(value));

    /// <summary>A body with exactly <paramref name="text"/> as application/json (for malformed input).</summary>
    public static StringContent Raw(string text, string mediaType = "application/json")
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return content;
    }

    /// <summary>A predict body with the given instances.</summary>
    public static StringContent Instances(params IEnumerable<object> instances) => Body(new { instances = instances.ToArray() });
}
