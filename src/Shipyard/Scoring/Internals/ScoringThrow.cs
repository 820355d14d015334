using System.Diagnostics.CodeAnalysis;

namespace Shipyard.Scoring.Internals;

/// <summary>Throw helpers of the scoring layer.</summary>
internal static class ScoringThrow
{
    [DoesNotReturn]
    public static void ArgumentOutOfRange_Row(int row, int count) =>
        throw new ArgumentOutOfRangeException(nameof(row), row, $"Row {row} does not exist; the batch has {count} rows (call AddRow first).");
}
