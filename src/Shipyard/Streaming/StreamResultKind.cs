namespace Shipyard.Streaming;

/// <summary>What a message produced.</summary>
public enum StreamResultKind
{
    /// <summary>Predictions.</summary>
    Scored,

    /// <summary>An error result (invalid message, invalid instances, unknown model, bad replyTo): final, never retried.</summary>
    Rejected,
}
