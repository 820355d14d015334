namespace Shipyard.Models.Internals;

/// <summary>One model in a registry snapshot. Immutable: the registry swaps whole snapshots.</summary>
internal sealed record ModelState
{
    public required string Name { get; init; }

    /// <summary>Versions by version string.</summary>
    public required IReadOnlyDictionary<string, VersionSlot> Versions { get; init; }

    /// <summary>The routing in effect (explicit, or derived: highest ready version as production).</summary>
    public required ModelRouting Routing { get; init; }

    /// <summary>ETag of routing.json in the store; null when the store has none (then a write must create it).</summary>
    public string? RoutingETag { get; init; }

    public ModelInfo ToInfo() => new()
    {
        Name = Name,
        Routing = Routing,
        Versions = Versions.Values.OrderBy(v => v.Version.Length).ThenBy(v => v.Version, StringComparer.Ordinal).Select(v => v.ToInfo()).ToArray(),
    };
}
