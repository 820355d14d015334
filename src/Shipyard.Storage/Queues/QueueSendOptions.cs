namespace Shipyard.Storage;

/// <summary>Options of <see cref="IMessageQueue.SendAsync"/>.</summary>
public sealed record QueueSendOptions
{
    /// <summary>Hide the new message for this long (0..7 days; default 0, visible at once).</summary>
    public TimeSpan VisibilityDelay { get; init; }

    /// <summary>Expire the message after this long (1 s..7 days, or null for the service default of 7 days).</summary>
    public TimeSpan? TimeToLive { get; init; }
}
