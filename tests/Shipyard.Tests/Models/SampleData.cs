using System.Globalization;
using System.Text;
using System.Text.Json;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Models;

/// <summary>
/// A numeric view of a bundled package's samples, read by <see cref="SampleCases.Load"/> (the one samples.csv reader):
/// each row's feature values in header order, and the expected labels, probabilities or values in row order.
/// </summary>
internal sealed record SampleData(string Model, string Version, string[] Features, List<double[]> Rows, List<string> Labels, List<IReadOnlyDictionary<string, double>> Probabilities, List<double> Values)
{
    /// <summary>Every bundled package with samples, as theory data (model, version).</summary>
    public static TheoryData<string, string> Packages() => SampleCases.PackageData();

    /// <summary>The samples of <paramref name="model"/> version <paramref name="version"/> (every bundled package's features are numeric).</summary>
    public static SampleData Load(string model, string version)
    {
        var samples = SampleCases.Load(model, version);
        var features = samples.Features.ToArray();
        return new SampleData(model, version, features,
            [.. samples.Cases.Select(c => features.Select(f => (double)c.Instance[f]).ToArray())],
            [.. samples.Cases.Select(c => c.ExpectedLabel).OfType<string>()],
            [.. samples.Cases.Select(c => c.ExpectedProbabilities)],
            [.. samples.Cases.Select(c => c.ExpectedValue).OfType<double>()]);
    }

    /// <summary>The rows [start, start+count) as a request's <c>instances</c> array.</summary>
    public JsonElement Instances(int start = 0, int? count = null)
    {
        var sb = new StringBuilder("[");
        var end = count is null ? Rows.Count : Math.Min(Rows.Count, start + count.Value);
        for (var r = start; r < end; r++)
        {
            sb.Append(r > start ? ",{" : "{");
            for (var f = 0; f < Features.Length; f++)
            {
                sb.Append(f > 0 ? "," : "").Append('"').Append(Features[f]).Append("\":").Append(Rows[r][f].ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append('}');
        }

        sb.Append(']');
        return JsonDocument.Parse(sb.ToString()).RootElement.Clone();
    }
}
