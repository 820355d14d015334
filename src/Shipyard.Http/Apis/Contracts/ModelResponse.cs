using Shipyard.Models;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>One model: <c>GET /api/models/{name}</c> and each entry of <c>GET /api/models</c>.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Routing">routing.json in effect (production, staging, canary, shadow, history).</param>
/// <param name="Versions">Every version with its state and manifest.</param>
public sealed record ModelResponse(string Name, ModelRouting Routing, IReadOnlyList<ModelVersionResponse> Versions)
{
    /// <summary>Maps a registry snapshot.</summary>
    public static ModelResponse From(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelResponse(model.Name, model.Routing, [.. model.Versions.Select(ModelVersionResponse.From)]);
    }
}
