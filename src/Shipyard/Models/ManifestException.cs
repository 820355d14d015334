namespace Shipyard.Models;

/// <summary>A <c>model.json</c> is malformed or breaks the manifest contract. <see cref="Errors"/> lists every problem,
/// each starting with the field it concerns (<c>features[3].type: expected float, int or string</c>).</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the exception from the list of field-named errors.</summary>
    public ManifestException(IReadOnlyList<string> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a single error.</summary>
    public ManifestException(string error)
        : this([error])
    {
    }

    /// <summary>Standard constructor; prefer the one taking the list of errors.</summary>
    public ManifestException()
        : this("model.json: invalid manifest")
    {
    }

    /// <summary>Standard constructor wrapping an inner exception.</summary>
    public ManifestException(string error, Exception innerException)
        : base(BuildMessage([error]), innerException)
    {
        Errors = [error];
    }

    /// <summary>Every problem found, each naming its field.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string BuildMessage(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return "Invalid model manifest: " + string.Join("; ", errors);
    }
}
