using Shipyard.Models;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>One version of a model.</summary>
/// <param name="Version">Version string.</param>
/// <param name="State"><c>loading</c>, <c>ready</c> or <c>failed</c>.</param>
/// <param name="Source"><c>bundled</c> or <c>store</c>.</param>
/// <param name="Sha256">SHA-256 of model.onnx as loaded.</param>
/// <param name="LoadedAt">When the current session was loaded.</param>
/// <param name="Error">Why the version failed to load.</param>
/// <param name="Manifest">The version's model.json.</param>
public sealed record ModelVersionResponse(
    string Version,
    ModelVersionState State,
    ModelSource Source,
    string? Sha256,
    DateTimeOffset? LoadedAt,
    string? Error,
    ModelManifest? Manifest)
{
    /// <summary>Maps a registry snapshot.</summary>
    public static ModelVersionResponse From(ModelVersionInfo version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new ModelVersionResponse(version.Version, version.State, version.Source, version.Sha256, version.LoadedAt, version.Error, version.Manifest);
    }
}
