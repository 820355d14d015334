namespace Shipyard.Streaming;

/// <summary>The record that message <see cref="Id"/> is being answered (<see cref="Done"/> false) or was answered.</summary>
/// <param name="Id">The request's id.</param>
/// <param name="QueueMessageId">The queue's id of the delivery that owns it (tells a redelivery from a second message with the same id).</param>
/// <param name="Done">False while the owner scores and sends (a claim), true once the result is out.</param>
/// <param name="Queue">Where the result went (when done).</param>
/// <param name="Result">The result text (when done; re-emitted when the host may not have written its output binding).</param>
/// <param name="RecordedOn">When it was written (the retention window and the claim timeout start here).</param>
public sealed record StreamMarker(string Id, string QueueMessageId, bool Done, string? Queue, string? Result, DateTimeOffset RecordedOn);
