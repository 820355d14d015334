namespace Shipyard.Storage;

/// <summary>The result of a send or an update.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="PopReceipt">The receipt to delete or update the message with.</param>
/// <param name="NextVisibleOn">When the message is (or becomes) visible.</param>
public sealed record QueueReceipt(string MessageId, string PopReceipt, DateTimeOffset NextVisibleOn);
