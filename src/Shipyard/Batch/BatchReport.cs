using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Batch;

/// <summary>
/// <c>batch-out/{model}/{stem}.report.json</c>: what was scored, with which version, how many rows, how fast, and how
/// it ended. Written last: its presence (with the input's ETag) is what marks a job as done.
/// </summary>
public sealed record BatchReport
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The model name.</summary>
    public required string Model { get; init; }

    /// <summary>The version that scored the rows (null when the job failed before a version was chosen).</summary>
    public string? Version { get; init; }

    /// <summary>The input read.</summary>
    public required BatchInputInfo Input { get; init; }

    /// <summary>Names of the published outputs (scored, errors), relative to the output container or folder; null when not published.</summary>
    public BatchOutputNames? Outputs { get; init; }

    /// <summary>Row counts.</summary>
    public required BatchRowCounts Rows { get; init; }

    /// <summary>When the job started (UTC).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>When the job finished (UTC).</summary>
    public required DateTimeOffset Finished { get; init; }

    /// <summary>Rows read per second of wall time.</summary>
    public double RowsPerSecond { get; init; }

    /// <summary>How it ended.</summary>
    public required BatchStatus Status { get; init; }

    /// <summary>Why it failed or was rejected; null on success.</summary>
    public string? Reason { get; init; }

    /// <summary>The settings the job ran with: rows per ONNX run.</summary>
    public int ChunkRows { get; init; }

    /// <summary>The settings the job ran with: the error rate above which it is rejected.</summary>
    public double MaxErrorRate { get; init; }

    /// <summary>Serializes as report.json (camelCase, indented, status lowercase).</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    /// <summary>Parses a report.json written by <see cref="ToUtf8Json"/>.</summary>
    /// <exception cref="JsonException">Not a report.</exception>
    public static BatchReport Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<BatchReport>(utf8Json, JsonOptions) ?? throw new JsonException("report.json is null");
}
