namespace Shipyard.Batch;

/// <summary>Progress of a running batch job, reported after each chunk.</summary>
/// <param name="Rows">Rows read, scored and rejected so far.</param>
/// <param name="BytesRead">Input bytes consumed so far (compare with the input size for an ETA).</param>
/// <param name="Elapsed">Time since the job started.</param>
public sealed record BatchProgress(BatchRowCounts Rows, long BytesRead, TimeSpan Elapsed);
