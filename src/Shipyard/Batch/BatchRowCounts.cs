namespace Shipyard.Batch;

/// <summary>Row counts of a batch job. Rows are data records (the header is not a row).</summary>
/// <param name="Read">Data rows read from the input.</param>
/// <param name="Scored">Rows scored (in the scored file when the job succeeded).</param>
/// <param name="Rejected">Rows left out because of invalid values (each listed in the errors file).</param>
public sealed record BatchRowCounts(long Read, long Scored, long Rejected);
