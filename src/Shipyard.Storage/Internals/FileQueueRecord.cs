namespace Shipyard.Storage.Internals;

/// <summary>One message file of <see cref="FileMessageQueue"/>; <see cref="Text"/> is stored base64 like Azure's.</summary>
internal sealed record FileQueueRecord(
    string Id,
    string Text,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn,
    long DequeueCount,
    string PopReceipt);
