using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Shipyard.Batch;

/// <summary>
/// Writes RFC 4180 CSV as UTF-8 (no byte order mark) to a stream. Fields are quoted only when they must be
/// (they contain a comma, a quote, CR or LF); numbers use the invariant culture and the shortest text that parses
/// back to the same value. UTF-8 accumulates in a pooled buffer until <see cref="FlushAsync"/>, so the write calls
/// themselves never block on the stream.
/// </summary>
public sealed class CsvWriter : IAsyncDisposable
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _newLine;
    private byte[] _buffer;
    private int _length;
    private bool _recordStarted;
    private bool _disposed;

    /// <summary>Creates a writer.</summary>
    /// <param name="stream">Where the UTF-8 text goes.</param>
    /// <param name="newLine">Record terminator: "\r\n" (RFC 4180, the default) or "\n".</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the writer is disposed.</param>
    public CsvWriter(Stream stream, string newLine = "\r\n", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (newLine is not ("\r\n" or "\n"))
        {
            throw new ArgumentException($"newLine must be \"\\r\\n\" or \"\\n\", not {newLine.Length} other characters.", nameof(newLine));
        }

        _stream = stream;
        _newLine = Encoding.ASCII.GetBytes(newLine);
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    }

    /// <summary>UTF-8 bytes written but not yet flushed to the stream.</summary>
    public int BufferedLength => _length;

    /// <summary>Total UTF-8 bytes flushed to the stream so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes one text field, quoting and doubling quotes when RFC 4180 requires it.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not valid UTF-16 (a lone surrogate).</exception>
    public void WriteField(ReadOnlySpan<char> value)
    {
        WriteDelimiter();
        if (value.IndexOfAny(NeedsQuotes) < 0)
        {
            Append(value);
            return;
        }

        Append((byte)'"');
        while (true)
        {
            var quote = value.IndexOf('"');
            if (quote < 0)
            {
                Append(value);
                break;
            }

            Append(value[..(quote + 1)]);
            Append((byte)'"');
            value = value[(quote + 1)..];
        }

        Append((byte)'"');
    }

    /// <summary>Writes a 32-bit float as the shortest invariant text that round-trips (NaN, Infinity, -Infinity for non-finite values).</summary>
    public void WriteField(float value)
    {
        WriteDelimiter();
        Ensure(32);
        value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Writes a 64-bit float as the shortest invariant text that round-trips.</summary>
    public void WriteField(double value)
    {
        WriteDelimiter();
        Ensure(32);
        value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Writes an integer field.</summary>
    public void WriteField(long value)
    {
        WriteDelimiter();
        Ensure(24);
        value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>
    /// Appends text that is already CSV (one or more complete, correctly quoted fields, e.g.
    /// <see cref="CsvReader.RawRecord"/>) as the next field(s), unchanged.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="csv"/> is not valid UTF-16 (a lone surrogate).</exception>
    public void WriteRawFields(ReadOnlySpan<char> csv)
    {
        WriteDelimiter();
        Append(csv);
    }

    /// <summary>
    /// Appends UTF-8 bytes that are already CSV (one or more complete, correctly quoted fields, e.g.
    /// <see cref="CsvReader.RawRecordUtf8"/>) as the next field(s), unchanged and without re-encoding. The caller
    /// vouches that they are valid UTF-8 (everything <see cref="CsvReader"/> hands out is).
    /// </summary>
    public void WriteRawFields(ReadOnlySpan<byte> utf8Csv)
    {
        WriteDelimiter();
        Ensure(utf8Csv.Length);
        utf8Csv.CopyTo(_buffer.AsSpan(_length));
        _length += utf8Csv.Length;
    }

    /// <summary>Ends the current record.</summary>
    public void EndRecord()
    {
        Ensure(_newLine.Length);
        _newLine.CopyTo(_buffer.AsSpan(_length));
        _length += _newLine.Length;
        _recordStarted = false;
    }

    /// <summary>Writes the buffered bytes to the stream (does not flush the stream itself).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_length == 0)
        {
            return;
        }

        await _stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        BytesWritten += _length;
        _length = 0;
    }

    /// <summary>Flushes buffered text, then disposes the stream unless the writer was created with leaveOpen.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            await FlushAsync().ConfigureAwait(false);
            if (!_leaveOpen)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }

    private void WriteDelimiter()
    {
        if (_recordStarted)
        {
            Append((byte)',');
        }

        _recordStarted = true;
    }

    private void Append(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        if (Utf8.FromUtf16(text, _buffer.AsSpan(_length), out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            throw new ArgumentException("The text is not valid UTF-16 (it contains a lone surrogate), so it cannot be written as UTF-8.", nameof(text));
        }

        _length += written;
    }

    private void Ensure(int extra)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_buffer.Length - _length >= extra)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
