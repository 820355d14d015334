using System.Buffers;
using System.Globalization;
using System.Text;

namespace Shipyard.Batch;

/// <summary>
/// Writes RFC 4180 CSV as UTF-8 (no byte order mark) to a stream. Fields are quoted only when they must be
/// (they contain a comma, a quote, CR or LF); numbers use the invariant culture and the shortest text that parses
/// back to the same value. Text accumulates in a pooled buffer until <see cref="FlushAsync"/>, so the write calls
/// themselves never block on the stream.
/// </summary>
public sealed class CsvWriter : IAsyncDisposable
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _newLine;
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetEncoder();
    private char[] _buffer;
    private readonly byte[] _bytes;
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
        _newLine = newLine;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<char>.Shared.Rent(64 * 1024);
        _bytes = ArrayPool<byte>.Shared.Rent(64 * 1024 * 3);
    }

    /// <summary>Characters written but not yet flushed to the stream.</summary>
    public int BufferedLength => _length;

    /// <summary>Total UTF-8 bytes flushed to the stream so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes one text field, quoting and doubling quotes when RFC 4180 requires it.</summary>
    public void WriteField(ReadOnlySpan<char> value)
    {
        WriteDelimiter();
        if (value.IndexOfAny(NeedsQuotes) < 0)
        {
            Append(value);
            return;
        }

        Append('"');
        while (true)
        {
            var quote = value.IndexOf('"');
            if (quote < 0)
            {
                Append(value);
                break;
            }

            Append(value[..(quote + 1)]);
            Append('"');
            value = value[(quote + 1)..];
        }

        Append('"');
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
    public void WriteRawFields(ReadOnlySpan<char> csv)
    {
        WriteDelimiter();
        Append(csv);
    }

    /// <summary>Ends the current record.</summary>
    public void EndRecord()
    {
        Append(_newLine);
        _recordStarted = false;
    }

    /// <summary>Encodes the buffered text and writes it to the stream (does not flush the stream itself).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var offset = 0;
        while (offset < _length)
        {
            var count = Math.Min(_length - offset, _bytes.Length / 3);
            var byteCount = _encoder.GetBytes(_buffer.AsSpan(offset, count), _bytes, flush: false);
            await _stream.WriteAsync(_bytes.AsMemory(0, byteCount), cancellationToken).ConfigureAwait(false);
            BytesWritten += byteCount;
            offset += count;
        }

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
            ArrayPool<char>.Shared.Return(_buffer);
            ArrayPool<byte>.Shared.Return(_bytes);
        }
    }

    private void WriteDelimiter()
    {
        if (_recordStarted)
        {
            Append(',');
        }

        _recordStarted = true;
    }

    private void Append(char c)
    {
        Ensure(1);
        _buffer[_length++] = c;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        Ensure(text.Length);
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    private void Ensure(int extra)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_buffer.Length - _length >= extra)
        {
            return;
        }

        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
