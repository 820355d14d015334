namespace Shipyard.Storage;

/// <summary>A received message; keep <see cref="PopReceipt"/> to delete or update it.</summary>
/// <param name="MessageId">The message id (stable across deliveries).</param>
/// <param name="PopReceipt">Proof of this delivery; valid until the message is received again or updated.</param>
/// <param name="DequeueCount">How many times the message has been received, this time included.</param>
/// <param name="InsertedOn">When it was sent.</param>
/// <param name="ExpiresOn">When it expires unless deleted.</param>
/// <param name="NextVisibleOn">When it becomes visible again unless deleted or updated.</param>
/// <param name="Text">The decoded text.</param>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn,
    string Text);
