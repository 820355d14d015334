namespace Shipyard.Models;

/// <summary>The model exists but cannot serve now (still loading, failed to load, or no production version). HTTP 503.</summary>
public sealed class ModelNotReadyException : Exception
{
    /// <summary>Creates the exception; <paramref name="reason"/> says why, for the problem details.</summary>
    public ModelNotReadyException(string model, string? version, string reason)
        : base(version is null ? $"Model '{model}' is not ready: {reason}" : $"Version '{version}' of model '{model}' is not ready: {reason}")
    {
        Model = model;
        Version = version;
    }

    /// <summary>Standard constructor.</summary>
    public ModelNotReadyException()
        : this("?", null, "not ready")
    {
    }

    /// <summary>The model.</summary>
    public string Model { get; }

    /// <summary>The version that is not ready, when known.</summary>
    public string? Version { get; }
}
