namespace Shipyard.Models.Internals;

internal static class ManifestParser
{
    public static ModelManifest Parse(ReadOnlySpan<byte> utf8Json) => throw new NotImplementedException();

    public static bool IsValidName(string? name) => throw new NotImplementedException();

    public static bool IsValidVersion(string? version) => throw new NotImplementedException();
}
