namespace Shipyard.Scoring;

/// <summary>The request's instances (or KServe tensors) are invalid. HTTP 400 listing every <see cref="Errors"/> entry
/// (bounded: at most <c>Shipyard:Limits:MaxErrors</c> errors are collected, then <see cref="Truncated"/> is set).</summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>Creates the exception from the field errors.</summary>
    public InvalidInputException(IReadOnlyList<InputError> errors, bool truncated = false)
        : base(BuildMessage(errors, truncated))
    {
        Errors = errors;
        Truncated = truncated;
    }

    /// <summary>Creates the exception with a single error.</summary>
    public InvalidInputException(string path, string message)
        : this([new InputError(path, message)])
    {
    }

    /// <summary>Standard constructor.</summary>
    public InvalidInputException()
        : this("instances", "invalid input")
    {
    }

    /// <summary>Every invalid field found (up to the limit).</summary>
    public IReadOnlyList<InputError> Errors { get; }

    /// <summary>True when more errors existed than were collected.</summary>
    public bool Truncated { get; }

    private static string BuildMessage(IReadOnlyList<InputError> errors, bool truncated)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var text = string.Join("; ", errors);
        return truncated ? $"Invalid input: {text}; … (more errors not shown)" : $"Invalid input: {text}";
    }
}
