namespace Shipyard.Testing;

/// <summary>The outcome of <see cref="JsonSchemaValidator"/>.</summary>
/// <param name="Errors">Every violation as <c>"/instance/path: message (keyword params)"</c>; empty when valid.</param>
/// <param name="UnresolvedReferences">Remote <c>$ref</c> targets that were not fetched and so not checked.</param>
public sealed record JsonSchemaValidationResult(IReadOnlyList<string> Errors, IReadOnlyList<string> UnresolvedReferences)
{
    /// <summary>True when <see cref="Errors"/> is empty.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>The errors, one per line, for assertion messages.</summary>
    public override string ToString() => IsValid ? "valid" : string.Join(Environment.NewLine, Errors);
}
