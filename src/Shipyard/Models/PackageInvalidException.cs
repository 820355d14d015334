namespace Shipyard.Models;

/// <summary>An uploaded model package (zip) is invalid: <see cref="Errors"/> names every problem. HTTP 400.</summary>
public sealed class PackageInvalidException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public PackageInvalidException(IReadOnlyList<string> errors)
        : base("Invalid model package: " + string.Join("; ", errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a single problem.</summary>
    public PackageInvalidException(string error)
        : this([error])
    {
    }

    /// <summary>Standard constructor.</summary>
    public PackageInvalidException()
        : this("the package is invalid")
    {
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Errors { get; }
}
