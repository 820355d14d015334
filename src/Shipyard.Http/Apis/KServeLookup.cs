using Shipyard.Models;

namespace Shipyard.Http.Apis;

/// <summary>The outcome of <see cref="KServeModels.Resolve"/>: the model and version, or the problem.</summary>
internal sealed record KServeLookup(ModelInfo? Model, ModelVersionInfo? Version, KServeProblem? Problem)
{
    public static KServeLookup Failed(KServeProblem problem) => new(null, null, problem);
}
