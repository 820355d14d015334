using System.Text.Json;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Cli.Tests.Drift;

/// <summary>
/// `shipyard drift compare` — the CLI contract external checks use (DESIGN.md §3) — on the scipy reference
/// cases (the copy in tests/Shipyard.Tests/Monitoring/ReferenceCases), compared with expected.json.
/// </summary>
public sealed class DriftCompareCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shipyard-cli-drift-").FullName;

    private static string CaseDirectory(string name) =>
        Path.Combine(RepoPaths.Root, "tests", "Shipyard.Tests", "Monitoring", "ReferenceCases", name);

    [Theory]
    [InlineData("cat-small", "color")]
    [InlineData("ties-missing", "")]
    public async Task Compare_InProcess_WritesExpectedJson(string name, string categorical)
    {
        var output = Path.Combine(_directory, name + ".json");
        string[] args = ["drift", "compare", "--reference", Path.Combine(CaseDirectory(name), "reference.csv"), "--current", Path.Combine(CaseDirectory(name), "current.csv"), "--output", output];
        if (categorical.Length > 0)
        {
            args = [.. args, "--categorical", categorical];
        }

        var result = await CliRunner.InProcessAsync(args);

        Assert.True(result.ExitCode == 0, result.Error);
        AssertMatchesExpected(name, output);
    }

    [Fact]
    public async Task Compare_AsProcess_WritesExpectedJson()
    {
        var output = Path.Combine(_directory, "process.json");

        var result = await CliRunner.ProcessAsync("drift", "compare", "--reference", Path.Combine(CaseDirectory("cat-large"), "reference.csv"), "--current", Path.Combine(CaseDirectory("cat-large"), "current.csv"), "--categorical", "seg", "--output", output);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("drift: 1 of 1 features drifted", result.Output, StringComparison.Ordinal);
        AssertMatchesExpected("cat-large", output);
    }

    [Fact]
    public async Task Compare_MissingReferenceFile_ExitsOneNamingTheFile()
    {
        var missing = Path.Combine(_directory, "nope.csv");

        var result = await CliRunner.InProcessAsync("drift", "compare", "--reference", missing, "--current", missing);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: --reference: file not found: {missing}", result.Error.Trim());
    }

    [Fact]
    public async Task Compare_CurrentLacksAColumn_ExitsOneNamingTheColumn()
    {
        var reference = Path.Combine(_directory, "r.csv");
        var current = Path.Combine(_directory, "c.csv");
        await File.WriteAllTextAsync(reference, "a,b\n1,2\n3,4\n");
        await File.WriteAllTextAsync(current, "a\n1\n");

        var result = await CliRunner.InProcessAsync("drift", "compare", "--reference", reference, "--current", current);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: The current data has no column 'b'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_RaggedRow_ExitsOneNamingTheLine()
    {
        var reference = Path.Combine(_directory, "r.csv");
        await File.WriteAllTextAsync(reference, "a,b\n1,2\n3\n");

        var result = await CliRunner.InProcessAsync("drift", "compare", "--reference", reference, "--current", reference);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {reference}, line 3: 1 cells, but the header has 2 columns.", result.Error.Trim());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void AssertMatchesExpected(string name, string outputPath)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(CaseDirectory(name), "expected.json")));
        using var actual = JsonDocument.Parse(File.ReadAllText(outputPath));
        AssertEquivalent(expected.RootElement, actual.RootElement, "$");
    }

    // Same tolerances as the library tests: 1e-6 relative for statistics, 1e-3 absolute for p-values.
    private static void AssertEquivalent(JsonElement expected, JsonElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {actual.ValueKind}, expected {expected.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), actual.EnumerateObject().Select(p => p.Name).Order());
                foreach (var property in expected.EnumerateObject())
                {
                    AssertEquivalent(property.Value, actual.GetProperty(property.Name), path + "." + property.Name);
                }

                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.EnumerateArray().Select(e => e.ToString()), actual.EnumerateArray().Select(e => e.ToString()));
                break;
            case JsonValueKind.Number:
                double e = expected.GetDouble(), a = actual.GetDouble();
                var tolerance = path.EndsWith(".pValue", StringComparison.Ordinal) ? 1e-3 : 1e-6 * Math.Max(Math.Abs(e), 1e-12);
                Assert.True(Math.Abs(e - a) <= tolerance, $"{path}: {a}, expected {e}");
                break;
            default:
                Assert.Equal(expected.ToString(), actual.ToString());
                break;
        }
    }
}
