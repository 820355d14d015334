using System.Text.Json;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>
/// One scipy-computed drift case (reference.csv, current.csv, expected.json). The cases live in
/// ../shared/drift-reference (the contract's source) and, because CI clones without ../shared, in a copy
/// under ReferenceCases/; tests run every case from both places when both exist.
/// </summary>
public sealed record ReferenceCase(string Source, string Name, string Directory)
{
    public static string CopyRoot => Path.Combine(RepoPaths.Root, "tests", "Shipyard.Tests", "Monitoring", "ReferenceCases");

    public static string SharedRoot => Path.Combine(RepoPaths.Shared, "drift-reference");

    public string ReferencePath => Path.Combine(Directory, "reference.csv");

    public string CurrentPath => Path.Combine(Directory, "current.csv");

    public JsonElement Expected => JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "expected.json"))).RootElement;

    public IReadOnlyList<string> Categorical => [.. Expected.GetProperty("categorical").EnumerateArray().Select(e => e.GetString()!)];

    public static IEnumerable<ReferenceCase> All()
    {
        foreach (var (source, root) in new[] { ("copy", CopyRoot), ("shared", SharedRoot) })
        {
            if (!System.IO.Directory.Exists(root))
            {
                continue;
            }

            foreach (var directory in System.IO.Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(directory, "expected.json")))
                {
                    yield return new ReferenceCase(source, Path.GetFileName(directory), directory);
                }
            }
        }
    }

    public static TheoryData<string, string> Names()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in All())
        {
            data.Add(c.Source, c.Name);
        }

        return data;
    }

    public static ReferenceCase Find(string source, string name) => All().Single(c => c.Source == source && c.Name == name);

    public override string ToString() => $"{Source}/{Name}";
}
