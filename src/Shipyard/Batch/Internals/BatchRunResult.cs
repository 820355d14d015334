namespace Shipyard.Batch.Internals;

/// <summary>What <see cref="BatchPipeline"/> did: row counts, bytes read, and why it stopped early (null when it read the whole input).</summary>
internal sealed record BatchRunResult(BatchRowCounts Rows, long BytesRead, string? FailureReason);
