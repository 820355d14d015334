namespace Shipyard.Batch;

/// <summary>
/// Limits and buffer sizes for <see cref="CsvReader"/>. The limits exist so that hostile or broken input
/// (a 1 GB file without a line break, a binary blob) fails with a clear <see cref="CsvFormatException"/>
/// instead of growing the buffers until the process runs out of memory.
/// </summary>
public sealed record CsvReaderOptions
{
    /// <summary>The defaults: 64 KiB buffer, 1 Mi-char records, 4,096 fields.</summary>
    public static CsvReaderOptions Default { get; } = new();

    /// <summary>
    /// Initial size, in bytes, of the UTF-8 input buffer (and the smallest read asked of the stream is half of it); it
    /// grows only for records longer than about half of this. Default 65,536.
    /// </summary>
    public int BufferSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Longest record accepted, in UTF-16 chars (as .NET counts string length; one per ASCII byte), including quotes and
    /// embedded line breaks but not the record's own terminator. A longer record stops the read with a <see cref="CsvFormatException"/>. Default 1,048,576.
    /// </summary>
    public int MaxRecordLength { get; init; } = 1024 * 1024;

    /// <summary>Most fields accepted in one record; more stops the read with a <see cref="CsvFormatException"/>. Default 4,096.</summary>
    public int MaxFieldCount { get; init; } = 4096;
}
