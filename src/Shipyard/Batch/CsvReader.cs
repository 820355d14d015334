using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Shipyard.Batch.Internals;

namespace Shipyard.Batch;

/// <summary>
/// A forward-only, streaming RFC 4180 reader over UTF-8 text (with or without a byte order mark): quoted fields,
/// doubled quotes, commas and line breaks inside quotes, CRLF, LF or CR line endings. It scans the UTF-8 bytes
/// themselves (no decoding to UTF-16 unless a caller asks for <see cref="GetField"/> or <see cref="RawRecord"/>);
/// buffers are pooled and bounded by <see cref="CsvReaderOptions.MaxRecordLength"/>, so memory stays flat whatever
/// the input size.
/// </summary>
/// <remarks>
/// Decisions beyond RFC 4180: blank lines are skipped (they are not records); a quote inside an unquoted field is
/// kept literally (as Excel and most readers do); text after a closing quote (<c>"ab"c</c>) makes that one record
/// malformed (<see cref="RecordError"/>) and reading continues with the next line. Input that cannot be CSV at all
/// (invalid UTF-8, NUL characters, an unterminated quote, an over-long record) throws <see cref="CsvFormatException"/>.
/// Each record is checked to be valid UTF-8 as a whole when it is complete, so every span the reader hands out is
/// valid UTF-8.
/// </remarks>
public sealed class CsvReader : IAsyncDisposable, IDisposable
{
    // The bytes that end an unquoted field, and the bytes that matter inside quotes. All are ASCII, and UTF-8 never
    // uses byte values below 0x80 inside a multi-byte sequence, so a byte scan finds exactly these characters.
    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\r\n\0"u8);
    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\"\0"u8);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly CsvReaderOptions _options;
    private readonly int _minRead;
    private byte[] _buffer;
    private byte[] _scratch;
    private char[] _chars;
    private Field[] _fields = new Field[64];
    private int _start;
    private int _end;
    private int _scratchLength;
    private int _charsLength;
    private int _fieldCount;
    private int _recordStart;
    private int _recordLength;
    private int _rawCharStart = -1;
    private int _rawCharLength;
    private long _bufferOffset;
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
        _minRead = _options.BufferSize / 2;
        _buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        _scratch = ArrayPool<byte>.Shared.Rent(256);
        _chars = ArrayPool<char>.Shared.Rent(256);
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
    /// The current record exactly as it appears in the input (valid UTF-8), without its line terminator; valid until
    /// the next call to <see cref="ReadAsync"/>. Writing it back verbatim reproduces the input columns unchanged.
    /// </summary>
    public ReadOnlySpan<byte> RawRecordUtf8 => _buffer.AsSpan(_recordStart, _recordLength);

    /// <summary>
    /// <see cref="RawRecordUtf8"/> decoded to UTF-16 (on first access per record); valid until the next call to
    /// <see cref="ReadAsync"/>.
    /// </summary>
    public ReadOnlySpan<char> RawRecord
    {
        get
        {
            if (_rawCharStart < 0)
            {
                EnsureCharCapacity();
                _rawCharStart = _charsLength;
                _rawCharLength = Encoding.UTF8.GetChars(RawRecordUtf8, _chars.AsSpan(_charsLength));
                _charsLength += _rawCharLength;
            }

            return _chars.AsSpan(_rawCharStart, _rawCharLength);
        }
    }

    /// <summary>
    /// The unquoted, unescaped value of field <paramref name="index"/> as UTF-8 bytes (valid UTF-8, no copy for
    /// fields without doubled quotes); valid until the next <see cref="ReadAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="FieldCount"/>.</exception>
    public ReadOnlySpan<byte> GetFieldUtf8(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _fieldCount);
        ref readonly var field = ref _fields[index];
        return field.InScratch
            ? _scratch.AsSpan(field.Start, field.Length)
            : _buffer.AsSpan(field.Start, field.Length);
    }

    /// <summary>
    /// The unquoted, unescaped value of field <paramref name="index"/> decoded to UTF-16 (on first access per record);
    /// valid until the next <see cref="ReadAsync"/>, and not invalidated by reading other fields of the same record.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="FieldCount"/>.</exception>
    public ReadOnlySpan<char> GetField(int index)
    {
        var bytes = GetFieldUtf8(index);
        ref var field = ref _fields[index];
        if (field.CharStart < 0)
        {
            EnsureCharCapacity();
            field.CharStart = _charsLength;
            field.CharLength = Encoding.UTF8.GetChars(bytes, _chars.AsSpan(_charsLength));
            _charsLength += field.CharLength;
        }

        return _chars.AsSpan(field.CharStart, field.CharLength);
    }

    /// <summary>Advances to the next record.</summary>
    /// <returns>True when a record was read; false at the end of the input.</returns>
    /// <exception cref="CsvFormatException">The input is not CSV text (see the class remarks).</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Fast path: the next record is already complete in the buffer, no state machine needed.
        if (!_atStart)
        {
            switch (TryParse(_streamDone))
            {
                case ParseResult.Record:
                    return new ValueTask<bool>(true);
                case ParseResult.End:
                    return new ValueTask<bool>(false);
            }
        }

        return ReadSlowAsync(cancellationToken);
    }

    /// <summary>Advances to the next record, reading the stream synchronously (for callers with nothing else to do, such as
    /// the drift statistics reading a local file).</summary>
    /// <returns>True when a record was read; false at the end of the input.</returns>
    /// <exception cref="CsvFormatException">The input is not CSV text (see the class remarks).</exception>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (!_atStart)
            {
                switch (TryParse(_streamDone))
                {
                    case ParseResult.Record:
                        return true;
                    case ParseResult.End:
                        return false;
                }
            }

            CompleteFill(_stream.Read(PrepareFill().Span));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_scratch);
        ArrayPool<char>.Shared.Return(_chars);
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
            CompleteFill(await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false));
            if (_atStart)
            {
                continue;
            }

            switch (TryParse(_streamDone))
            {
                case ParseResult.Record:
                    return true;
                case ParseResult.End:
                    return false;
            }
        }
    }

    /// <summary>
    /// Before a read: refuses an over-long pending record, moves the pending bytes to the front and grows the buffer when
    /// little room is left. Returns where the next read goes.
    /// </summary>
    private Memory<byte> PrepareFill()
    {
        // What is pending is one incomplete record: stop before buffering more of an over-long one.
        if (IsTooLong(_buffer.AsSpan(_start, _end - _start)))
        {
            CsvThrow.CsvFormatException_RecordTooLong(_nextLine, RecordNumber + 1, _options.MaxRecordLength);
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length - _end < _minRead)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _end + _minRead));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>After a read of <paramref name="read"/> bytes: counts them, and skips a byte order mark at the very start
    /// (<c>_atStart</c> stays true while too few bytes have arrived to tell).</summary>
    private void CompleteFill(int read)
    {
        _end += read;
        BytesRead += read;
        _streamDone = read == 0;
        if (_atStart)
        {
            TrySkipByteOrderMark();
        }
    }

    /// <summary>Skips a UTF-8 byte order mark at the very start; false while too few bytes have arrived to tell.</summary>
    private bool TrySkipByteOrderMark()
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < bom.Length && !_streamDone && bom.StartsWith(available))
        {
            return false;
        }

        if (available.StartsWith(bom))
        {
            _start += bom.Length;
        }

        _atStart = false;
        return true;
    }

    private ParseResult TryParse(bool final)
    {
        var buffer = _buffer;
        var end = _end;
        var pos = _start;

        // Blank lines are not records.
        while (pos < end && (buffer[pos] == '\n' || buffer[pos] == '\r'))
        {
            if (buffer[pos] == '\r' && pos + 1 < end && buffer[pos + 1] == '\n')
            {
                pos++;
            }
            else if (buffer[pos] == '\r' && pos + 1 == end && !final)
            {
                _start = pos;
                return ParseResult.NeedMore;
            }

            pos++;
            _nextLine++;
        }

        _start = pos;
        if (pos == end)
        {
            return final ? ParseResult.End : ParseResult.NeedMore;
        }

        _fieldCount = 0;
        _scratchLength = 0;
        _charsLength = 0;
        _rawCharStart = -1;
        RecordError = null;
        var recordStart = pos;
        var quoted = false;
        while (true)
        {
            if (pos == end)
            {
                // Only reachable right after a delimiter: the last field is empty.
                if (!final)
                {
                    return ParseResult.NeedMore;
                }

                AddField(pos, 0, inScratch: false);
                return Complete(recordStart, pos, pos, quoted);
            }

            if (buffer[pos] == '"')
            {
                quoted = true;
                var contentStart = pos + 1;
                var p = contentStart;
                var escaped = false;
                while (true)
                {
                    var index = buffer.AsSpan(p, end - p).IndexOfAny(QuotedStops);
                    if (index < 0)
                    {
                        if (!final)
                        {
                            return ParseResult.NeedMore;
                        }

                        CsvThrow.CsvFormatException_UnterminatedQuote(_nextLine, RecordNumber + 1);
                    }

                    p += index;
                    if (buffer[p] == 0)
                    {
                        CsvThrow.CsvFormatException_Binary(_nextLine, RecordNumber + 1);
                    }

                    if (p + 1 == end)
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
                if (pos == end)
                {
                    return final ? Complete(recordStart, pos, pos, quoted) : ParseResult.NeedMore;
                }

                var next = buffer[pos];
                if (next == ',')
                {
                    pos++;
                    continue;
                }

                if (next is (byte)'\r' or (byte)'\n')
                {
                    return Terminate(recordStart, pos, final, quoted);
                }

                // Text after a closing quote: the record is malformed; resynchronise at the end of the line.
                var lineEnd = buffer.AsSpan(pos, end - pos).IndexOfAny((byte)'\r', (byte)'\n');
                if (lineEnd < 0 && !final)
                {
                    return ParseResult.NeedMore;
                }

                var field = _fieldCount;
                var result = lineEnd < 0 ? Complete(recordStart, end, end, quoted) : Terminate(recordStart, pos + lineEnd, final, quoted);
                if (result == ParseResult.Record)
                {
                    RecordError = $"unexpected character '{CharacterAt(pos)}' after the closing quote of field {field}";
                }

                return result;
            }
            else
            {
                var index = buffer.AsSpan(pos, end - pos).IndexOfAny(UnquotedStops);
                if (index < 0)
                {
                    if (!final)
                    {
                        return ParseResult.NeedMore;
                    }

                    AddField(pos, end - pos, inScratch: false);
                    return Complete(recordStart, end, end, quoted);
                }

                var stop = pos + index;
                var c = buffer[stop];
                if (c == 0)
                {
                    CsvThrow.CsvFormatException_Binary(_nextLine, RecordNumber + 1);
                }

                AddField(pos, index, inScratch: false);
                if (c == ',')
                {
                    pos = stop + 1;
                    continue;
                }

                return Terminate(recordStart, stop, final, quoted);
            }
        }
    }

    private ParseResult Terminate(int recordStart, int terminator, bool final, bool quoted)
    {
        int next;
        if (_buffer[terminator] == '\r')
        {
            if (terminator + 1 == _end && !final)
            {
                return ParseResult.NeedMore; // a CR at the buffer's end may be the first half of CRLF
            }

            next = terminator + 1 < _end && _buffer[terminator + 1] == '\n' ? terminator + 2 : terminator + 1;
        }
        else
        {
            next = terminator + 1;
        }

        return Complete(recordStart, terminator, next, quoted);
    }

    private ParseResult Complete(int recordStart, int recordEnd, int next, bool quoted)
    {
        var raw = _buffer.AsSpan(recordStart, recordEnd - recordStart);
        if (IsTooLong(raw))
        {
            CsvThrow.CsvFormatException_RecordTooLong(_nextLine, RecordNumber + 1, _options.MaxRecordLength);
        }

        // A record starts and ends at ASCII bytes, so it never splits a multi-byte sequence: checking whole records
        // checks the whole input, with no state carried across buffer refills.
        if (!Utf8.IsValid(raw))
        {
            CsvThrow.CsvFormatException_InvalidUtf8(_bufferOffset + recordStart + FirstInvalidByte(raw), _nextLine);
        }

        RecordNumber++;
        LineNumber = _nextLine;
        _nextLine += (quoted ? raw.Count((byte)'\n') : 0) + 1; // only quoted fields hold line breaks
        _recordStart = recordStart;
        _recordLength = raw.Length;
        _start = next;
        return ParseResult.Record;
    }

    /// <summary>
    /// True when <paramref name="utf8"/> decodes to more UTF-16 chars than <see cref="CsvReaderOptions.MaxRecordLength"/>.
    /// A UTF-8 byte yields at most one char, and three bytes at least one, so the count is needed only in between.
    /// </summary>
    private bool IsTooLong(ReadOnlySpan<byte> utf8)
    {
        var max = _options.MaxRecordLength;
        return utf8.Length > max && (utf8.Length > 3L * max || Encoding.UTF8.GetCharCount(utf8) > max);
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var index = 0;
        while (index < utf8.Length && Rune.DecodeFromUtf8(utf8[index..], out _, out var consumed) == OperationStatus.Done)
        {
            index += consumed;
        }

        return index;
    }

    /// <summary>The character starting at byte <paramref name="position"/>, for messages.</summary>
    private string CharacterAt(int position) =>
        Rune.DecodeFromUtf8(_buffer.AsSpan(position, _end - position), out var rune, out _) == OperationStatus.Done
            ? rune.ToString()
            : "\uFFFD";

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
        var content = _buffer.AsSpan(contentStart, contentEnd - contentStart);
        if (_scratch.Length - _scratchLength < content.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_scratch.Length * 2, _scratchLength + content.Length));
            _scratch.AsSpan(0, _scratchLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = bigger;
        }

        var start = _scratchLength;
        var target = _scratch.AsSpan(start);
        var written = 0;
        while (!content.IsEmpty)
        {
            var quote = content.IndexOf((byte)'"');
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

    /// <summary>
    /// Makes room, once per record, for every field and the raw record decoded to UTF-16 (each at most as many chars
    /// as the record has bytes), so that decoding one field never moves the chars of another already handed out.
    /// </summary>
    private void EnsureCharCapacity()
    {
        if (_charsLength > 0 || _chars.Length >= 2 * _recordLength)
        {
            return;
        }

        ArrayPool<char>.Shared.Return(_chars);
        _chars = ArrayPool<char>.Shared.Rent(2 * _recordLength);
    }

    /// <summary>Where a field's bytes are, and where its UTF-16 copy is once decoded (CharStart -1 until then).</summary>
    private struct Field(int start, int length, bool inScratch)
    {
        public readonly int Start = start;
        public readonly int Length = length;
        public readonly bool InScratch = inScratch;
        public int CharStart = -1;
        public int CharLength;
    }
}
