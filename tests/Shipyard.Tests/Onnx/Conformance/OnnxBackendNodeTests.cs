using System.Text;
using Microsoft.ML.OnnxRuntime;
using Shipyard.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Shipyard.Tests.Onnx.Conformance;

/// <summary>
/// A smoke run of the ONNX backend node tests shipped by Debian's libonnx-testdata (ONNX 1.12) through the official
/// ONNX Runtime package, for the operators Shipyard's bundled models use (the operators our scikit-learn converters
/// emit): every node test whose graph uses only those operators must load, run and match the reference outputs, except
/// the documented cases where the reference data itself differs.
/// </summary>
public class OnnxBackendNodeTests(ITestOutputHelper output)
{
    private const string NodeTestRoot = "/usr/share/libonnx-testdata/data/node";

    /// <summary>
    /// Cases where ONNX 1.12's reference data, not ONNX Runtime, is off; none is a conversion our models use (they cast
    /// between float and int64 only). Each is reported, and any failure outside this list fails the test.
    /// </summary>
    private static readonly Dictionary<string, string> ReferenceDiffers = new(StringComparer.Ordinal)
    {
        ["test_cast_FLOAT_to_BFLOAT16"] = "the reference truncates to bfloat16, ORT rounds to nearest even",
        ["test_cast_FLOAT_to_STRING"] = "ORT writes 8 significant digits ('0.60484552'), the reference numpy's shortest repr ('0.6048455')",
        ["test_castlike_FLOAT_to_STRING_expanded"] = "the same float-to-string formatting as test_cast_FLOAT_to_STRING",
        ["test_castlike_BFLOAT16_to_FLOAT_expanded"] = "the expanded graph declares its 'like' input rank 2, the data set feeds rank 1",
        ["test_castlike_FLOAT_to_BFLOAT16_expanded"] = "the expanded graph declares its 'like' input rank 2, the data set feeds rank 1",
    };

    [Fact]
    public void BackendNodeTests_OfTheBundledModelsOperators_AllPass()
    {
        Assert.True(Directory.Exists(NodeTestRoot), $"{NodeTestRoot} is missing: apt-get install -y libonnx-testdata (.ci/run does).");
        var operators = Directory.GetFiles(RepoPaths.Models, "model.onnx", SearchOption.AllDirectories)
            .SelectMany(BackendNodeCase.OperatorsOf).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(operators);
        var cases = Directory.GetDirectories(NodeTestRoot).Order(StringComparer.Ordinal)
            .Where(folder => BackendNodeCase.OperatorsOf(Path.Combine(folder, "model.onnx")).All(operators.Contains))
            .ToArray();

        var results = cases.Select(BackendNodeCase.Run).ToList();

        var failed = results.Where(r => !r.Passed && !ReferenceDiffers.ContainsKey(r.Name)).ToList();
        var summary = new StringBuilder()
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"ONNX Runtime {OrtEnv.Instance().GetVersionString()}; operators of the bundled models: {string.Join(", ", operators.Order(StringComparer.Ordinal))}")
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"node tests using only those operators: {results.Count}, passed {results.Count - failed.Count}")
            .AppendJoin('\n', results.Select(r => $"- {r.Name}: {(r.Passed ? "passed" : $"failed ({r.Stage}) {r.Detail}{(ReferenceDiffers.TryGetValue(r.Name, out var why) ? " — known: " + why : "")}")}"))
            .ToString();
        output.WriteLine(summary);
        Assert.True(results.Count >= 10, $"expected at least 10 node tests for the operators {string.Join(", ", operators)}; found {results.Count}");
        Assert.True(failed.Count == 0, "backend node tests failed:\n" + string.Join("\n", failed.Select(f => $"{f.Name} [{f.Stage}] {f.Detail}")));
    }
}
