namespace Shipyard.Scoring;

/// <summary>One invalid input field.</summary>
/// <param name="Path">Where: <c>instances[3].mean_radius</c>, <c>instances[0]</c>, <c>instances</c>, or a KServe input name.</param>
/// <param name="Message">What is wrong: <c>expected a number</c>, <c>required feature is missing</c>, …</param>
public sealed record InputError(string Path, string Message)
{
    /// <summary><c>Path: Message</c>.</summary>
    public override string ToString() => $"{Path}: {Message}";
}
