using System.Buffers;
using System.Text;
using Shipyard.Batch.Internals;

namespace Shipyard.Batch;

/// <summary>
/// A forward-only, streaming RFC 4180 reader over UTF-8 text (with or without a byte order mark): quoted fields,
/// doubled quotes, commas and line breaks inside quotes, CRLF, LF or CR line endings. Buffers are pooled and
/// bounded by <see cref="CsvReaderOptions.MaxRecordLength"/>, so memory stays flat whatever the input size.
/// </summary>
/// <remarks>
/// Decisions beyond RFC 4180: blank lines are skipped (they are not records); a quote inside an unquoted field is
/// kept literally (as Excel and most readers do); text after a closing quote (<c>"ab"c</c>) makes that one record
/// malformed (<see cref="RecordError"/>) and reading continues with the next line. Input that cannot be CSV at all
/// (invalid UTF-8, NUL characters, an unterminated quote, an over-long record) throws <see cref="CsvFormatException"/>.
/// </remarks>
public sealed class CsvReader : IAsyncDisposable, IDisposable
{
    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n\0");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\0");

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly CsvReaderOptions _options;
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private readonly byte[] _bytes;
    private char[] _chars;
    private char[] _scratch;
    private Field[] _fields = new Field[64];
    private int _start;
    private int _end;
    private int _scratchLength;
    private int _fieldCount;
    private int _recordStart;
    private int _recordLength;
    private bool _streamDone;
    private bool _atStart = true;
    private bool _disposed;
    private long _nextLine = 1;

    /// <summary>Creates a reader over <paramref name="stream"/>; nothing is read until <see cref="ReadAsync"/>.</summary>
    /// <param name="stream">UTF-8 CSV text, read sequentially once.</param>
    /// <param name="options">Limits and buffer sizes; <see cref="CsvReaderOptions.Default"/> when null.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the reader is disposed.</param>
    public CsvReader(Stream stream, CsvReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _options = options ?? CsvReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BufferSize, 16, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxRecordLength, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxFieldCount, 1, nameof(options));
        _stream = stream;
        _leaveOpen = leaveOpen;
        _bytes = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        _chars = ArrayPool<char>.Shared.Rent(_options.BufferSize * 2);
        _scratch = ArrayPool<char>.Shared.Rent(256);
    }

    private enum ParseResult
    {
        NeedMore,
        Record,
        End,
    }

    /// <summary>Number of fields in the current record.</summary>
    public int FieldCount => _fieldCount;

    /// <summary>1-based number of the current record; the header, when there is one, is record 1.</summary>
    public long RecordNumber { get; private set; }

    /// <summary>1-based line of the input where the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Bytes consumed from the stream so far (for progress reporting).</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Why the current record is malformed (e.g. text after a closing quote), or null when it parsed cleanly.
    /// A malformed record's fields are incomplete; report it and read on.
    /// </summary>
    public string? RecordError { get; private set; }

    /// <summary>
    /// The current record exactly as it appears in the input, without its line terminator; valid until the next
    /// call to <see cref="ReadAsync"/>. Writing it back verbatim reproduces the input columns unchanged.
    /// </summary>
    public ReadOnlySpan<char> RawRecord => _chars.AsSpan(_recordStart, _recordLength);

    /// <summary>The unquoted, unescaped value of field <paramref name="index"/>; valid until the next <see cref="ReadAsync"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="FieldCount"/>.</exception>
    public ReadOnlySpan<char> GetField(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _fieldCount);
        var field = _fields[index];
        return field.InScratch
            ? _scratch.AsSpan(field.Start, field.Length)
            : _chars.AsSpan(field.Start, field.Length);
    }

    /// <summary>Advances to the next record.</summary>
    /// <returns>True when a record was read; false at the end of the input.</returns>
    /// <exception cref="CsvFormatException">The input is not CSV text (see the class remarks).</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Fast path: the next record is already complete in the buffer, no state machine needed.
        var result = TryParse(_streamDone);
        return result switch
        {
            ParseResult.Record => new ValueTask<bool>(true),
            ParseResult.End => new ValueTask<bool>(false),
            _ => ReadSlowAsync(cancellationToken),
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<char>.Shared.Return(_chars);
        ArrayPool<char>.Shared.Return(_scratch);
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_disposed && !_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        Dispose();
    }

    private async ValueTask<bool> ReadSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_end - _start > _options.MaxRecordLength)
            {
                CsvThrow.CsvFormatException_RecordTooLong(_nextLine, RecordNumber + 1, _options.MaxRecordLength);
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
            switch (TryParse(_streamDone))
            {
                case ParseResult.Record:
                    return true;
                case ParseResult.End:
                    return false;
            }
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _chars.AsSpan(_start, _end - _start).CopyTo(_chars);
            _end -= _start;
            _start = 0;
        }

        // UTF-8 never yields more chars than bytes, plus a few held back by the decoder across reads.
        var needed = _end + _bytes.Length + 8;
        if (_chars.Length < needed)
        {
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(needed, _chars.Length * 2));
            _chars.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(_chars);
            _chars = bigger;
        }

        var read = await _stream.ReadAsync(_bytes.AsMemory(), cancellationToken).ConfigureAwait(false);
        try
        {
            _end += _decoder.GetChars(_bytes.AsSpan(0, read), _chars.AsSpan(_end), flush: read == 0);
        }
        catch (DecoderFallbackException e)
        {
            CsvThrow.CsvFormatException_InvalidUtf8(BytesRead + Math.Max(e.Index, 0), _nextLine, e);
        }

        BytesRead += read;
        _streamDone = read == 0;
        if (_atStart && _end > 0)
        {
            _atStart = false;
            if (_chars[0] == '\uFEFF')
            {
                _start = 1;
            }
        }
    }

    private ParseResult TryParse(bool final)
    {
        var buffer = _chars;
        var pos = _start;

        // Blank lines are not records.
        while (pos < _end && (buffer[pos] == '\n' || buffer[pos] == '\r'))
        {
            if (buffer[pos] == '\r' && pos + 1 < _end && buffer[pos + 1] == '\n')
            {
                pos++;
            }
            else if (buffer[pos] == '\r' && pos + 1 == _end && !final)
            {
                _start = pos;
                return ParseResult.NeedMore;
            }

            pos++;
            _nextLine++;
        }

        _start = pos;
        if (pos == _end)
        {
            return final ? ParseResult.End : ParseResult.NeedMore;
        }

        _fieldCount = 0;
        _scratchLength = 0;
        RecordError = null;
        var recordStart = pos;
        while (true)
        {
            if (pos == _end)
            {
                // Only reachable right after a delimiter: the last field is empty.
                if (!final)
                {
                    return ParseResult.NeedMore;
                }

                AddField(pos, 0, inScratch: false);
                return Complete(recordStart, pos, pos);
            }

            if (buffer[pos] == '"')
            {
                var contentStart = pos + 1;
                var p = contentStart;
                var escaped = false;
                while (true)
                {
                    var index = buffer.AsSpan(p, _end - p).IndexOfAny(QuotedStops);
                    if (index < 0)
                    {
                        if (!final)
                        {
                            return ParseResult.NeedMore;
                        }

                        CsvThrow.CsvFormatException_UnterminatedQuote(_nextLine, RecordNumber + 1);
                    }

                    p += index;
                    if (buffer[p] == '\0')
                    {
                        CsvThrow.CsvFormatException_Binary(_nextLine, RecordNumber + 1);
                    }

                    if (p + 1 == _end)
                    {
                        if (!final)
                        {
                            return ParseResult.NeedMore; // cannot tell a closing quote from the first of a doubled one yet
                        }

                        break;
                    }

                    if (buffer[p + 1] != '"')
                    {
                        break;
                    }

                    escaped = true;
                    p += 2;
                }

                if (escaped)
                {
                    AddUnescaped(contentStart, p);
                }
                else
                {
                    AddField(contentStart, p - contentStart, inScratch: false);
                }

                pos = p + 1;
                if (pos == _end)
                {
                    return final ? Complete(recordStart, pos, pos) : ParseResult.NeedMore;
                }

                var next = buffer[pos];
                if (next == ',')
                {
                    pos++;
                    continue;
                }

                if (next is '\r' or '\n')
                {
                    return Terminate(recordStart, pos, final);
                }

                // Text after a closing quote: the record is malformed; resynchronise at the end of the line.
                var lineEnd = buffer.AsSpan(pos, _end - pos).IndexOfAny('\r', '\n');
                if (lineEnd < 0 && !final)
                {
                    return ParseResult.NeedMore;
                }

                var error = $"unexpected character '{next}' after the closing quote of field {_fieldCount}";
                var result = lineEnd < 0 ? Complete(recordStart, _end, _end) : Terminate(recordStart, pos + lineEnd, final);
                if (result == ParseResult.Record)
                {
                    RecordError = error;
                }

                return result;
            }
            else
            {
                var index = buffer.AsSpan(pos, _end - pos).IndexOfAny(UnquotedStops);
                if (index < 0)
                {
                    if (!final)
                    {
                        return ParseResult.NeedMore;
                    }

                    AddField(pos, _end - pos, inScratch: false);
                    return Complete(recordStart, _end, _end);
                }

                var stop = pos + index;
                var c = buffer[stop];
                if (c == '\0')
                {
                    CsvThrow.CsvFormatException_Binary(_nextLine, RecordNumber + 1);
                }

                AddField(pos, index, inScratch: false);
                if (c == ',')
                {
                    pos = stop + 1;
                    continue;
                }

                return Terminate(recordStart, stop, final);
            }
        }
    }

    private ParseResult Terminate(int recordStart, int terminator, bool final)
    {
        int next;
        if (_chars[terminator] == '\r')
        {
            if (terminator + 1 == _end && !final)
            {
                return ParseResult.NeedMore; // a CR at the buffer's end may be the first half of CRLF
            }

            next = terminator + 1 < _end && _chars[terminator + 1] == '\n' ? terminator + 2 : terminator + 1;
        }
        else
        {
            next = terminator + 1;
        }

        return Complete(recordStart, terminator, next);
    }

    private ParseResult Complete(int recordStart, int recordEnd, int next)
    {
        var length = recordEnd - recordStart;
        if (length > _options.MaxRecordLength)
        {
            CsvThrow.CsvFormatException_RecordTooLong(_nextLine, RecordNumber + 1, _options.MaxRecordLength);
        }

        RecordNumber++;
        LineNumber = _nextLine;
        var raw = _chars.AsSpan(recordStart, length);
        _nextLine += raw.Count('\n') + 1;
        _recordStart = recordStart;
        _recordLength = length;
        _start = next;
        return ParseResult.Record;
    }

    private void AddField(int start, int length, bool inScratch)
    {
        if (_fieldCount == _fields.Length)
        {
            if (_fieldCount >= _options.MaxFieldCount)
            {
                CsvThrow.CsvFormatException_TooManyFields(_nextLine, RecordNumber + 1, _options.MaxFieldCount);
            }

            Array.Resize(ref _fields, Math.Min(_fields.Length * 2, _options.MaxFieldCount));
        }
        else if (_fieldCount >= _options.MaxFieldCount)
        {
            CsvThrow.CsvFormatException_TooManyFields(_nextLine, RecordNumber + 1, _options.MaxFieldCount);
        }

        _fields[_fieldCount++] = new Field(start, length, inScratch);
    }

    private void AddUnescaped(int contentStart, int contentEnd)
    {
        var content = _chars.AsSpan(contentStart, contentEnd - contentStart);
        if (_scratch.Length - _scratchLength < content.Length)
        {
            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_scratch.Length * 2, _scratchLength + content.Length));
            _scratch.AsSpan(0, _scratchLength).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(_scratch);
            _scratch = bigger;
        }

        var start = _scratchLength;
        var target = _scratch.AsSpan(start);
        var written = 0;
        while (!content.IsEmpty)
        {
            var quote = content.IndexOf('"');
            if (quote < 0)
            {
                content.CopyTo(target[written..]);
                written += content.Length;
                break;
            }

            // Copy up to and including the first quote of the doubled pair, skip the second.
            content[..(quote + 1)].CopyTo(target[written..]);
            written += quote + 1;
            content = content[Math.Min(quote + 2, content.Length)..];
        }

        _scratchLength += written;
        AddField(start, written, inScratch: true);
    }

    private readonly record struct Field(int Start, int Length, bool InScratch);
}
