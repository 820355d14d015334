using System.Globalization;
using System.Text;
using System.Text.Json;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Models;

/// <summary>Reads a bundled package's samples.csv (plain comma-separated numbers and labels, no quoting) into instances and expectations.</summary>
internal sealed record SampleData(string Model, string Version, string[] Features, List<double[]> Rows, List<string> Labels, List<Dictionary<string, double>> Probabilities, List<double> Values)
{
    /// <summary>Every bundled package with samples, as theory data (model, version).</summary>
    public static TheoryData<string, string> Packages() => SampleCases.PackageData();

    public static SampleData Load(string model, string version)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Models, model, version, "samples.csv")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var features = header.TakeWhile(h => !h.StartsWith("expected_", StringComparison.Ordinal)).ToArray();
        var data = new SampleData(model, version, features, [], [], [], []);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            data.Rows.Add(cells.Take(features.Length).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray());
            var probs = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = features.Length; i < header.Length; i++)
            {
                if (header[i] == "expected_label")
                {
                    data.Labels.Add(cells[i]);
                }
                else if (header[i] == "expected_value")
                {
                    data.Values.Add(double.Parse(cells[i], CultureInfo.InvariantCulture));
                }
                else if (header[i].StartsWith("expected_probability_", StringComparison.Ordinal))
                {
                    probs[header[i]["expected_probability_".Length..]] = double.Parse(cells[i], CultureInfo.InvariantCulture);
                }
            }

            data.Probabilities.Add(probs);
        }

        return data;
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
