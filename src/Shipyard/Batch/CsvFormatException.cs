namespace Shipyard.Batch;

/// <summary>
/// The input cannot be read as CSV at all (invalid UTF-8, binary content, an unterminated quote, a record over the
/// size limit): reading stops. Malformed but delimited records do not throw; see <see cref="CsvReader.RecordError"/>.
/// </summary>
public sealed class CsvFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CsvFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CsvFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with where it happened.</summary>
    public CsvFormatException(string message, long lineNumber, long recordNumber, Exception? innerException = null)
        : base(message, innerException)
    {
        LineNumber = lineNumber;
        RecordNumber = recordNumber;
    }

    /// <summary>1-based line of the input where the failing record starts (0 when unknown).</summary>
    public long LineNumber { get; }

    /// <summary>1-based record number (the header is record 1) of the failing record (0 when unknown).</summary>
    public long RecordNumber { get; }
}
