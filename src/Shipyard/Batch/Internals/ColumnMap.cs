using Shipyard.Models;

namespace Shipyard.Batch.Internals;

/// <summary>Where each model feature is in the input's columns, matched by header name (ordinal), in any order.</summary>
internal sealed class ColumnMap
{
    private ColumnMap(string[] headers, int[] featureColumns)
    {
        Headers = headers;
        FeatureColumns = featureColumns;
    }

    /// <summary>The header row's names.</summary>
    public string[] Headers { get; }

    /// <summary>Column index of each manifest feature, or -1 for an optional feature the input lacks.</summary>
    public int[] FeatureColumns { get; }

    /// <summary>Matches the header against the manifest.</summary>
    /// <exception cref="BatchFailedException">A required feature column is missing or a feature column appears twice; every problem is named.</exception>
    public static ColumnMap Create(ModelManifest manifest, string[] headers)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        for (var i = 0; i < headers.Length; i++)
        {
            if (!byName.TryAdd(headers[i], i) && manifest.IndexOfFeature(headers[i]) >= 0)
            {
                duplicates.Add(headers[i]);
            }
        }

        var missing = new List<string>();
        var columns = new int[manifest.Features.Count];
        for (var f = 0; f < columns.Length; f++)
        {
            var feature = manifest.Features[f];
            if (byName.TryGetValue(feature.Name, out var column))
            {
                columns[f] = column;
            }
            else
            {
                columns[f] = -1;
                if (feature.Required)
                {
                    missing.Add(feature.Name);
                }
            }
        }

        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add($"the header lacks required feature column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing.Select(m => $"'{m}'"))} of model '{manifest.Name}' version {manifest.Version}");
        }

        if (duplicates.Count > 0)
        {
            problems.Add($"feature column{(duplicates.Count == 1 ? "" : "s")} {string.Join(", ", duplicates.Distinct().Select(d => $"'{d}'"))} appear{(duplicates.Count == 1 ? "s" : "")} more than once in the header");
        }

        if (problems.Count > 0)
        {
            throw new BatchFailedException(string.Join("; ", problems) + $" (header: {Describe(headers)}); nothing was scored");
        }

        return new ColumnMap(headers, columns);
    }

    private static string Describe(string[] headers)
    {
        var shown = string.Join(",", headers.Take(8).Select(h => h.Length > 40 ? h[..40] + "…" : h));
        return headers.Length > 8 ? $"{shown},… ({headers.Length} columns)" : shown;
    }
}
