namespace Shipyard.Models;

/// <summary>A routing change lost a race: routing.json changed since it was read (conditional write failed). HTTP 409; re-read and retry.</summary>
public sealed class RoutingConflictException : Exception
{
    /// <summary>Creates the exception for <paramref name="model"/>.</summary>
    public RoutingConflictException(string model, Exception? innerException = null)
        : base($"The routing of model '{model}' was changed by someone else while this change was being made; re-read it and try again.", innerException)
    {
        Model = model;
    }

    /// <summary>Standard constructor.</summary>
    public RoutingConflictException()
        : this("?")
    {
    }

    /// <summary>The model whose routing changed.</summary>
    public string Model { get; }
}
