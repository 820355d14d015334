using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Shipyard.Batch.Internals;

/// <summary>Throw helpers for the CSV reader: one place for the messages users see in failed batch reports.</summary>
internal static class CsvThrow
{
    [DoesNotReturn]
    public static void CsvFormatException_RecordTooLong(long line, long record, int max) =>
        throw new CsvFormatException(
            string.Create(CultureInfo.InvariantCulture,
                $"record {record} starting at line {line} is longer than the limit of {max} characters; the input is not a CSV file with reasonable rows (or raise MaxRecordLength)"),
            line, record);

    [DoesNotReturn]
    public static void CsvFormatException_TooManyFields(long line, long record, int max) =>
        throw new CsvFormatException(
            string.Create(CultureInfo.InvariantCulture,
                $"record {record} starting at line {line} has more than {max} fields (or raise MaxFieldCount)"),
            line, record);

    [DoesNotReturn]
    public static void CsvFormatException_UnterminatedQuote(long line, long record) =>
        throw new CsvFormatException(
            string.Create(CultureInfo.InvariantCulture,
                $"record {record} starting at line {line} has a quoted field that is never closed before the end of the input"),
            line, record);

    [DoesNotReturn]
    public static void CsvFormatException_InvalidUtf8(long byteOffset, long line) =>
        throw new CsvFormatException(
            string.Create(CultureInfo.InvariantCulture,
                $"the input is not valid UTF-8 (invalid byte sequence at byte {byteOffset}, line {line}); CSV input must be UTF-8 text"),
            line, 0);

    [DoesNotReturn]
    public static void CsvFormatException_Binary(long line, long record) =>
        throw new CsvFormatException(
            string.Create(CultureInfo.InvariantCulture,
                $"the input contains a NUL character at line {line} (record {record}); it looks like binary data, not CSV text"),
            line, record);
}
