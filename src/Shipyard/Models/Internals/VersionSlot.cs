namespace Shipyard.Models.Internals;

/// <summary>One version as the registry tracks it: where it came from, what it was loaded from, and the result.</summary>
internal sealed record VersionSlot
{
    public required string Version { get; init; }

    public required ModelSource Source { get; init; }

    /// <summary>ETags (store) or write times and lengths (bundled) of model.json and model.onnx; a change means reload.</summary>
    public required string Fingerprint { get; init; }

    public ModelManifest? Manifest { get; init; }

    public LoadedVersion? Loaded { get; init; }

    public required ModelVersionState State { get; init; }

    public string? Error { get; init; }

    public string? Sha256 { get; init; }

    public ModelVersionInfo ToInfo() => new()
    {
        Version = Version,
        Manifest = Manifest,
        State = State,
        Error = Error,
        Source = Source,
        Sha256 = Sha256,
        LoadedAt = Loaded?.LoadedAt,
    };
}
