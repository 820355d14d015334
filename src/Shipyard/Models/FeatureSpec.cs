namespace Shipyard.Models;

/// <summary>One input feature of a model, as declared in <c>model.json</c> <c>features[]</c>.</summary>
public sealed record FeatureSpec
{
    /// <summary>Field name in a request instance and column name in CSV files.</summary>
    public required string Name { get; init; }

    /// <summary>JSON type the value must have.</summary>
    public required FeatureType Type { get; init; }

    /// <summary>Whether an instance must carry the feature (default <see langword="true"/>). A missing optional
    /// feature is fed to the model as NaN (float/double inputs), 0 (integer inputs) or "" (string inputs).</summary>
    public bool Required { get; init; } = true;

    /// <summary>Inclusive lower bound for numeric features, if declared.</summary>
    public double? Min { get; init; }

    /// <summary>Inclusive upper bound for numeric features, if declared.</summary>
    public double? Max { get; init; }

    /// <summary>Allowed values for string (or int, compared as invariant text) features, if declared.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
}
