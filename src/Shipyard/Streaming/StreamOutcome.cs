namespace Shipyard.Streaming;

/// <summary>What <see cref="StreamProcessor.ProcessAsync"/> did with one delivery.</summary>
/// <param name="Result">The result (also when it was a duplicate being re-emitted), or null for a skipped duplicate.</param>
/// <param name="Duplicate">True when the id was already answered within the retention window.</param>
/// <param name="PendingDefaultOutput">The result text the caller must write to <see cref="StreamQueues.ResultQueue"/> (the host's output binding), or null when nothing is left to write.</param>
public sealed record StreamOutcome(StreamResult? Result, bool Duplicate, string? PendingDefaultOutput);
