using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Shipyard.Batch;

/// <summary>
/// Settings of batch scoring. From configuration, the app settings <c>BATCH_CHUNK_ROWS</c> and
/// <c>BATCH_MAX_ERROR_RATE</c> (Functions-style names, environment variables on Azure) win over the
/// <c>Shipyard:Batch</c> section's <c>ChunkRows</c> / <c>MaxErrorRate</c>; <c>MaxAttempts</c> is read from the section
/// only (<c>Shipyard__Batch__MaxAttempts</c> as an environment variable).
/// </summary>
public sealed record BatchOptions
{
    /// <summary>The configuration section for the long names.</summary>
    public const string SectionName = "Shipyard:Batch";

    /// <summary>Rows per ONNX run (default 1,024). Larger chunks amortise the run overhead; memory grows with it.</summary>
    public int ChunkRows { get; init; } = 1024;

    /// <summary>
    /// Largest share of rejected rows (0–1) for which the job still succeeds (default 0.05). Above it the job is
    /// <see cref="BatchStatus.Rejected"/> and no scored file is published.
    /// </summary>
    public double MaxErrorRate { get; init; } = 0.05;

    /// <summary>Parsed chunks that may wait for the scorer (default 2): parsing runs ahead by at most this many chunks.</summary>
    public int QueueDepth { get; init; } = 2;

    /// <summary>Limits of the CSV reader (record length, field count) that turn hostile input into a failed job.</summary>
    public CsvReaderOptions Csv { get; init; } = CsvReaderOptions.Default;

    /// <summary>How often a running job renews its claim blob (default 30 s).</summary>
    public TimeSpan ClaimRenewInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A claim not renewed for this long belongs to a worker that died; another worker may take the job over
    /// (default 2 minutes; keep it well above <see cref="ClaimRenewInterval"/>).
    /// </summary>
    public TimeSpan ClaimTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Attempts at one input version (ETag) that end in a storage fault before the job gives up and writes a failed
    /// report naming the fault (default 5, at least 1). The count is kept per process; a new upload of the name starts
    /// from zero. A registry still loading and cancellation do not count.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Reads the options from configuration (see the class remarks for precedence); missing keys keep the defaults.</summary>
    /// <exception cref="ArgumentException">A value is not a number or out of range; the message names the setting.</exception>
    public static BatchOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var options = new BatchOptions();
        var chunkRows = configuration["BATCH_CHUNK_ROWS"] ?? section["ChunkRows"];
        if (chunkRows is not null)
        {
            options = options with { ChunkRows = ParseInt("BATCH_CHUNK_ROWS", chunkRows, 1, 1_000_000) };
        }

        if (section["MaxAttempts"] is { } maxAttempts)
        {
            options = options with { MaxAttempts = ParseInt($"{SectionName}:MaxAttempts", maxAttempts, 1, 100) };
        }

        var maxErrorRate = configuration["BATCH_MAX_ERROR_RATE"] ?? section["MaxErrorRate"];
        if (maxErrorRate is not null)
        {
            if (!double.TryParse(maxErrorRate, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !(rate is >= 0 and <= 1))
            {
                throw new ArgumentException($"BATCH_MAX_ERROR_RATE must be a number from 0 to 1 (e.g. 0.05), not '{maxErrorRate}'.", nameof(configuration));
            }

            options = options with { MaxErrorRate = rate };
        }

        return options;
    }

    private static int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be an integer from {min} to {max}, not '{text}'.", nameof(text));
        }

        return value;
    }
}
