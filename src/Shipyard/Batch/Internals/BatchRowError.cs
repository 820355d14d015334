namespace Shipyard.Batch.Internals;

/// <summary>One line of errors.csv: a rejected row, the column at fault (empty for the whole row) and why.</summary>
internal readonly record struct BatchRowError(long Row, string Column, string Reason);
