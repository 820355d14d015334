using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Baselines;

/// <summary>Builds a <see cref="BaselineProfile"/> from training data.</summary>
public static class BaselineProfiler
{
    /// <summary>Name of the column holding the model's predictions in training data.</summary>
    public const string PredictionColumn = "prediction";

    /// <summary>
    /// Profiles every feature of <paramref name="features"/> from <paramref name="data"/>, plus the
    /// <see cref="PredictionColumn"/> column when the data has one. Deciles and histograms are exact (from all
    /// values); the KS/Wasserstein sample is a seeded reservoir of at most <paramref name="sampleSize"/> values.
    /// With <c>predictionsAreLabels</c> (classifiers) the prediction column is profiled as categories even when the labels look numeric.
    /// </summary>
    /// <exception cref="InvalidDataException">The data lacks a feature, or a numeric feature holds text.</exception>
    public static BaselineProfile Build(string model, string version, FeatureTable data, IReadOnlyList<ProfiledFeature> features, string? source = null, int sampleSize = 10_000, int seed = 42, bool predictionsAreLabels = false, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(features);
        foreach (var feature in features)
        {
            if (!data.Contains(feature.Name))
            {
                throw new InvalidDataException($"The data has no column '{feature.Name}' (a feature of {model} v{version}). Columns: {string.Join(", ", data.Names)}.");
            }

            if (!feature.IsCategorical && data.IsCategorical(feature.Name))
            {
                throw new InvalidDataException($"Feature '{feature.Name}' is declared {feature.Type} but its column holds text.");
            }
        }

        var profiles = new FeatureProfile[features.Count];
        Parallel.For(0, features.Count, i => profiles[i] = Profile(data, features[i].Name, features[i].Type, sampleSize, seed));
        FeatureProfile? prediction = null;
        if (data.Contains(PredictionColumn))
        {
            prediction = predictionsAreLabels && !data.IsCategorical(PredictionColumn)
                ? Profile(AsLabels(data.Numbers(PredictionColumn)), PredictionColumn, "string", sampleSize, seed)
                : Profile(data, PredictionColumn, data.IsCategorical(PredictionColumn) ? "string" : "float", sampleSize, seed);
        }

        return new BaselineProfile
        {
            Model = model,
            Version = version,
            Created = (clock ?? TimeProvider.System).GetUtcNow(),
            Source = source,
            Rows = Math.Max(data.RowCount, 0),
            SampleSize = sampleSize,
            Seed = seed,
            Features = profiles,
            Prediction = prediction,
        };
    }

    // Numeric-looking labels ("0".."9") back to their text form, as a classifier's prediction log writes them.
    private static FeatureTable AsLabels(double[] values)
    {
        var table = new FeatureTable();
        table.AddCategorical(PredictionColumn, [.. values.Select(v => double.IsNaN(v) ? null : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))]);
        return table;
    }

    /// <summary>Profiles one column: categories for text columns, numbers otherwise.</summary>
    public static FeatureProfile Profile(FeatureTable data, string name, string type, int sampleSize = 10_000, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsCategorical(name))
        {
            var counts = new CategoryCounts();
            foreach (var value in data.Categories(name))
            {
                counts.Add(value);
            }

            return new FeatureProfile
            {
                Name = name,
                Type = type,
                Count = counts.Count,
                Missing = counts.Missing,
                MissingRate = counts.MissingRate,
                Categories = new SortedDictionary<string, long>(counts.Counts.ToDictionary(), StringComparer.Ordinal),
            };
        }

        var values = data.Numbers(name);
        var moments = new RunningMoments();
        var reservoir = new ReservoirSample(sampleSize, seed);
        foreach (var value in values)
        {
            moments.Add(value);
            reservoir.Add(value);
        }

        var profile = new FeatureProfile
        {
            Name = name,
            Type = type,
            Count = moments.Count,
            Missing = moments.Missing,
            MissingRate = moments.MissingRate,
        };
        if (moments.Count == 0)
        {
            return profile;
        }

        var sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        var bins = DecileBins.FromSorted(sorted);
        return profile with
        {
            Min = moments.Min,
            Max = moments.Max,
            Mean = moments.Mean,
            Std = moments.PopulationStandardDeviation,
            Deciles = bins.Edges,
            Histogram = bins.CountValues(sorted),
            Sample = reservoir.ToSortedArray(),
        };
    }
}
