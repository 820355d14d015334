using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Shipyard.Streaming;

/// <summary>
/// Stream scoring settings (section <c>Shipyard:Streaming</c>). <see cref="MaxDequeueCount"/> comes from the app setting
/// <c>STREAM_MAX_DEQUEUE</c> when set (it also drives the Functions host's <c>maxDequeueCount</c>), which wins over the section.
/// </summary>
public sealed record StreamOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shipyard:Streaming";

    /// <summary>Deliveries before a message is moved to <see cref="StreamQueues.PoisonQueue"/> (default 5, as the Functions host).</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>How long a received message stays hidden while it is scored (standalone; default 30 s).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before a failed message becomes visible again (the host's <c>visibilityTimeout</c>; default 0 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Messages per receive (1–32, default 32, as the host's <c>batchSize</c> upper bound).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>First wait after an empty receive; doubles up to <see cref="MaxPollInterval"/> (default 100 ms).</summary>
    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between receives of an empty queue (default 1 min, the host's <c>maxPollingInterval</c>).</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a message id is remembered: a second message with the same id within it is not scored again (default 7 days, the queue's longest time to live).</summary>
    public TimeSpan RetentionWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Ids remembered in memory before the marker blob is consulted (default 100 000).</summary>
    public int MemoryCacheSize { get; init; } = 100_000;

    /// <summary>
    /// Queues a message's <c>replyTo</c> may name besides <see cref="StreamQueues.ResultQueue"/> (default none): without
    /// the list, a message could make the app write into any queue it can reach, <c>retrain-requests</c> included.
    /// Environment: <c>Shipyard__Streaming__ReplyQueues__0=sensor-results</c>.
    /// </summary>
    public IReadOnlyList<string> ReplyQueues { get; init; } = [];

    /// <summary>Whether the standalone poller runs (default true; the Functions app has the queue trigger instead).</summary>
    public bool PollerEnabled { get; init; } = true;

    /// <summary>Reads the section, then <c>STREAM_MAX_DEQUEUE</c>.</summary>
    /// <exception cref="InvalidOperationException">STREAM_MAX_DEQUEUE is not a positive integer.</exception>
    public static StreamOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SectionName).Get<StreamOptions>() ?? new StreamOptions();
        var max = configuration["STREAM_MAX_DEQUEUE"];
        if (!string.IsNullOrWhiteSpace(max))
        {
            if (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                throw new InvalidOperationException($"STREAM_MAX_DEQUEUE is '{max}'; expected a positive integer (deliveries before a message is poisoned).");
            }

            options = options with { MaxDequeueCount = value };
        }

        return options with { BatchSize = Math.Clamp(options.BatchSize, 1, 32) };
    }
}
