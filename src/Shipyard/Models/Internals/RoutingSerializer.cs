using System.Text.Json;

namespace Shipyard.Models.Internals;

internal static class RoutingSerializer
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static ModelRouting Parse(ReadOnlySpan<byte> utf8Json) => throw new NotImplementedException();

    public static byte[] Serialize(ModelRouting routing) => throw new NotImplementedException();

    public static IReadOnlyList<string> Validate(ModelRouting routing) => throw new NotImplementedException();
}
