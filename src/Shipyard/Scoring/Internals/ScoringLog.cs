using Microsoft.Extensions.Logging;

namespace Shipyard.Scoring.Internals;

/// <summary>Log messages of scoring: the prediction log writer and shadow runs.</summary>
internal static partial class ScoringLog
{
    [LoggerMessage(2001, LogLevel.Warning, "Writing prediction log blob {Blob} failed (attempt {Attempt}); retrying.")]
    public static partial void WriteRetry(ILogger logger, Exception exception, string blob, int attempt);

    [LoggerMessage(2002, LogLevel.Error, "Writing prediction log blob {Blob} failed; {Records} records dropped.")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string blob, int records);

    [LoggerMessage(2003, LogLevel.Warning, "Dropped {Records} prediction log records ({Reason}); {Total} dropped so far.")]
    public static partial void Dropped(ILogger logger, int records, string reason, long total);

    [LoggerMessage(2004, LogLevel.Warning, "Shadow scoring of model {Model} version {Version} failed.")]
    public static partial void ShadowFailed(ILogger logger, Exception exception, string model, string version);

    [LoggerMessage(2005, LogLevel.Debug, "Shadow scoring of model {Model} version {Version} skipped: {Reason}.")]
    public static partial void ShadowSkipped(ILogger logger, string model, string version, string reason);
}
