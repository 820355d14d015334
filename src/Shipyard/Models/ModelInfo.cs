namespace Shipyard.Models;

/// <summary>A snapshot of one model in the registry: its routing and versions.</summary>
public sealed record ModelInfo
{
    /// <summary>The model name.</summary>
    public required string Name { get; init; }

    /// <summary>The effective routing (from the store when present there, else bundled routing.json, else the highest ready version as production).</summary>
    public required ModelRouting Routing { get; init; }

    /// <summary>Every known version, ordered by numeric version.</summary>
    public required IReadOnlyList<ModelVersionInfo> Versions { get; init; }
}
