namespace Shipyard.Batch;

/// <summary>Where a job's outputs were published.</summary>
/// <param name="Scored">The scored file (null when not published: failed or rejected jobs).</param>
/// <param name="Errors">The errors file (null when not published).</param>
public sealed record BatchOutputNames(string? Scored, string? Errors);
