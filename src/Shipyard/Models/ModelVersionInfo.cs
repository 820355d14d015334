namespace Shipyard.Models;

/// <summary>A snapshot of one model version in the registry.</summary>
public sealed record ModelVersionInfo
{
    /// <summary>The version string ("1", "2", …).</summary>
    public required string Version { get; init; }

    /// <summary>The parsed manifest; null only when <c>model.json</c> itself could not be read or parsed.</summary>
    public ModelManifest? Manifest { get; init; }

    /// <summary>Load state.</summary>
    public required ModelVersionState State { get; init; }

    /// <summary>Why the version is <see cref="ModelVersionState.Failed"/>; null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>Where the package came from.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>SHA-256 of <c>model.onnx</c> as computed at load (lowercase hex); null when not computed.</summary>
    public string? Sha256 { get; init; }

    /// <summary>When this version's current session was loaded (UTC); null when not loaded.</summary>
    public DateTimeOffset? LoadedAt { get; init; }
}
