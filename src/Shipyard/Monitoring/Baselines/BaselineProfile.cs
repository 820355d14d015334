namespace Shipyard.Monitoring.Baselines;

/// <summary>
/// baseline.json: the training-data profile of a model version that drift checks compare live inputs with
/// (written by <c>shipyard profile</c>; format documented in docs/drift.md).
/// </summary>
public sealed record BaselineProfile
{
    /// <summary>Format version of this file.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Model version.</summary>
    public required string Version { get; init; }

    /// <summary>When the profile was made (UTC).</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>The data file profiled (as given on the command line).</summary>
    public string? Source { get; init; }

    /// <summary>Rows profiled.</summary>
    public required long Rows { get; init; }

    /// <summary>Largest reservoir sample kept per numeric feature.</summary>
    public required int SampleSize { get; init; }

    /// <summary>Seed of the reservoir sampler.</summary>
    public required int Seed { get; init; }

    /// <summary>Feature profiles in manifest order.</summary>
    public required IReadOnlyList<FeatureProfile> Features { get; init; }

    /// <summary>Profile of the model's predictions on the training data (the <c>prediction</c> column), if present.</summary>
    public FeatureProfile? Prediction { get; init; }
}
