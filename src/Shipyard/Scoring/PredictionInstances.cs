using System.Text.Json;
using Shipyard.Models;

namespace Shipyard.Scoring;

/// <summary>
/// The instances of a prediction request, checked against the manifest of the version that routing picks (so they are
/// validated only once that version is known). <see cref="From(JsonElement)"/> wraps an already parsed <c>instances</c>
/// array; a host that holds the raw body can subclass this to read it straight into a batch (<see cref="InstanceReader"/>).
/// </summary>
public abstract class PredictionInstances
{
    /// <summary>Validates the instances against <paramref name="manifest"/>.</summary>
    /// <exception cref="InvalidInputException">Anything invalid (every problem named).</exception>
    public abstract FeatureBatch ToBatch(ModelManifest manifest, ScoringLimits limits);

    /// <summary>An <c>instances</c> array already parsed (each element an object of feature name → value).</summary>
    public static PredictionInstances From(JsonElement instances) => new Parsed(instances);

    private sealed class Parsed(JsonElement instances) : PredictionInstances
    {
        public override FeatureBatch ToBatch(ModelManifest manifest, ScoringLimits limits) => InstanceValidator.Validate(manifest, instances, limits);
    }
}
