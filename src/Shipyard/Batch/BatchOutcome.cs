namespace Shipyard.Batch;

/// <summary>The result of processing one input blob.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Message">One line for logs (the Functions host shows it in the invocation log).</param>
/// <param name="Report">The report written, when <see cref="Kind"/> is <see cref="BatchOutcomeKind.Completed"/>.</param>
public sealed record BatchOutcome(BatchOutcomeKind Kind, string Message, BatchReport? Report = null);
