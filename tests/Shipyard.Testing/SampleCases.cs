using System.Globalization;
using System.Text.Json;

namespace Shipyard.Testing;

/// <summary>
/// The rows of a bundled package's samples.csv: feature values (sent as JSON) and the training framework's own
/// expected outputs (<c>expected_label</c> + <c>expected_probability_&lt;label&gt;</c>, or <c>expected_value</c>).
/// </summary>
public sealed record SampleCases(string Model, string Version, IReadOnlyList<string> Features, IReadOnlyList<SampleCase> Cases)
{
    /// <summary>Every bundled package that has a samples.csv, as (model, version).</summary>
    public static IEnumerable<(string Model, string Version)> Packages() =>
        Directory.EnumerateFiles(RepoPaths.Models, "samples.csv", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoPaths.Models, p).Split(Path.DirectorySeparatorChar))
            .Where(parts => parts.Length == 3)
            .Select(parts => (parts[0], parts[1]))
            .Order();

    /// <summary><see cref="Packages"/> as xUnit theory data (model, version).</summary>
    public static Xunit.TheoryData<string, string> PackageData()
    {
        var data = new Xunit.TheoryData<string, string>();
        foreach (var (model, version) in Packages())
        {
            data.Add(model, version);
        }

        return data;
    }

    /// <summary>Reads <c>models/{model}/{version}/samples.csv</c> with the feature types of its model.json.</summary>
    public static SampleCases Load(string model, string version)
    {
        var folder = Path.Combine(RepoPaths.Models, model, version);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "model.json")));
        var types = manifest.RootElement.GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("type").GetString()!);
        var lines = File.ReadAllLines(Path.Combine(folder, "samples.csv")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var features = header.Where(types.ContainsKey).ToArray();
        var cases = new List<SampleCase>();
        foreach (var line in lines.Skip(1))
        {
            // samples.csv holds numbers and plain labels only (no quoting needed); see the models contract in team notes.
            var cells = line.Split(',');
            var instance = new Dictionary<string, object>(StringComparer.Ordinal);
            string? label = null;
            double? value = null;
            var probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                var column = header[i];
                var cell = cells[i];
                if (types.TryGetValue(column, out var type))
                {
                    instance[column] = type == "string" ? cell : double.Parse(cell, CultureInfo.InvariantCulture);
                }
                else if (column == "expected_label")
                {
                    label = cell;
                }
                else if (column == "expected_value")
                {
                    value = double.Parse(cell, CultureInfo.InvariantCulture);
                }
                else if (column.StartsWith("expected_probability_", StringComparison.Ordinal))
                {
                    probabilities[column["expected_probability_".Length..]] = double.Parse(cell, CultureInfo.InvariantCulture);
                }
            }

            cases.Add(new SampleCase(instance, label, probabilities, value));
        }

        return new SampleCases(model, version, features, cases);
    }
}
