namespace Shipyard.Functions.Batch;

/// <summary>The standalone blob watcher (section <c>Shipyard:Batch:Watcher</c>).</summary>
public sealed class BatchWatcherOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shipyard:Batch:Watcher";

    /// <summary>Whether the watcher runs in standalone mode (default true; never under the Functions host, where the trigger does the work).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often <c>batch-in</c> is listed (default 10 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
}
