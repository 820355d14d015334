namespace Shipyard.Storage;

/// <summary>A message seen by <see cref="IMessageQueue.PeekAsync"/> (not hidden, no pop receipt).</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="DequeueCount">How many times it has been received so far.</param>
/// <param name="InsertedOn">When it was sent.</param>
/// <param name="ExpiresOn">When it expires unless deleted.</param>
/// <param name="Text">The decoded text.</param>
public sealed record PeekedQueueMessage(string MessageId, long DequeueCount, DateTimeOffset InsertedOn, DateTimeOffset ExpiresOn, string Text);
