namespace Shipyard.Models;

/// <summary>The model, or the explicitly requested version, does not exist. HTTP 404.</summary>
public sealed class ModelNotFoundException : Exception
{
    /// <summary>Creates the exception for a model, or a version of it when <paramref name="version"/> is given.</summary>
    public ModelNotFoundException(string model, string? version = null)
        : base(version is null ? $"Model '{model}' was not found." : $"Version '{version}' of model '{model}' was not found.")
    {
        Model = model;
        Version = version;
    }

    /// <summary>Standard constructor.</summary>
    public ModelNotFoundException()
        : this("?")
    {
    }

    /// <summary>The requested model name.</summary>
    public string Model { get; }

    /// <summary>The requested version, when the version is what is missing.</summary>
    public string? Version { get; }
}
