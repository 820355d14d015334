namespace Shipyard.Models;

/// <summary>Load state of one model version.</summary>
public enum ModelVersionState
{
    /// <summary>Found; its session is being created.</summary>
    Loading,

    /// <summary>Session created; serving.</summary>
    Ready,

    /// <summary>Could not be loaded (bad manifest, checksum mismatch, ORT error); <see cref="ModelVersionInfo.Error"/> says why. Other versions still serve.</summary>
    Failed,
}
