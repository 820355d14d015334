namespace Shipyard.Server.Batch;

/// <summary>The standalone blob watcher (section <c>Shipyard:Batch:Watcher</c>).</summary>
public sealed class BatchWatcherOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shipyard:Batch:Watcher";

    /// <summary>Whether the watcher runs in standalone mode (default true; never under the Functions host, where the trigger does the work).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often <c>batch-in</c> is listed (default 10 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after a faulted attempt an input version is tried again (default 10 s); the wait doubles with each
    /// further fault, up to <see cref="MaxRetryDelay"/>. Inputs are looked at only when a poll runs, so a wait shorter
    /// than <see cref="PollInterval"/> acts as one poll.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts at one input version (default 5 minutes).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
}
