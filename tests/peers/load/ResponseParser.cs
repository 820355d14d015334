using System.Globalization;
using System.Text;

/// <summary>
/// Finds where HTTP/1.1 responses end in the bytes of a non-blocking connection, whatever sizes they arrive in:
/// receive into <see cref="GetFreeSpace"/>, <see cref="Commit"/> the count, then <see cref="TryTake"/> until it says no.
/// Status line and headers up to CRLFCRLF, then a Content-Length or chunked body (Kestrel chunks when a handler
/// writes without a length), or a body that runs until the server closes. Bodies are skipped as they arrive, never
/// copied: the load client only needs to know when a response is complete and whether it was a 2xx.
/// </summary>
internal sealed class ResponseParser
{
    private readonly byte[] buffer = new byte[64 * 1024]; // a header block or chunk-size line must fit
    private int start; // unread bytes are buffer[start..end)
    private int end;
    private int scanned; // unread bytes already searched for the current delimiter without a match
    private State state = State.Head;
    private long remaining; // body or chunk bytes still to skip
    private int status;
    private bool keepAlive;

    private enum State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailer,
        UntilClose,
    }

    /// <summary>Room for the next receive (unread bytes are moved to the front when needed).</summary>
    /// <exception cref="InvalidDataException">A header block or chunk-size line does not fit in the buffer.</exception>
    public Span<byte> GetFreeSpace()
    {
        if (start == end)
        {
            start = end = 0;
        }
        else if (end == buffer.Length)
        {
            if (start == 0)
            {
                throw new InvalidDataException("response header block or chunk line over 64 KB");
            }

            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
        }

        return buffer.AsSpan(end);
    }

    /// <summary>Adds <paramref name="count"/> received bytes at the start of <see cref="GetFreeSpace"/>.</summary>
    public void Commit(int count) => end += count;

    /// <summary>
    /// Consumes the next response if all of it has been received: its status and whether the connection may carry
    /// another request. False when more bytes are needed (what was parsed so far is kept).
    /// </summary>
    public bool TryTake(out int statusCode, out bool reusable)
    {
        statusCode = 0;
        reusable = false;
        while (true)
        {
            switch (state)
            {
                case State.Head:
                    if (!TryLine("\r\n\r\n"u8, out var head))
                    {
                        return false;
                    }

                    if (BeginBody(head))
                    {
                        break;
                    }

                    return Done(out statusCode, out reusable);
                case State.Body:
                    if (!Skip())
                    {
                        return false;
                    }

                    return Done(out statusCode, out reusable);
                case State.ChunkSize:
                    if (!TryLine("\r\n"u8, out var line))
                    {
                        return false;
                    }

                    remaining = ParseChunkSize(line);
                    state = remaining == 0 ? State.Trailer : State.ChunkData;
                    break;
                case State.ChunkData:
                    if (!Skip())
                    {
                        return false;
                    }

                    state = State.ChunkEnd;
                    break;
                case State.ChunkEnd:
                    if (!TryLine("\r\n"u8, out var after))
                    {
                        return false;
                    }

                    state = after.Length == 0 ? State.ChunkSize : throw new InvalidDataException("chunk data longer than its size");
                    break;
                case State.Trailer:
                    if (!TryLine("\r\n"u8, out var trailer))
                    {
                        return false;
                    }

                    if (trailer.Length == 0)
                    {
                        return Done(out statusCode, out reusable);
                    }

                    break; // a trailer field: ignored
                case State.UntilClose:
                    start = end;
                    return false;
            }
        }
    }

    /// <summary>
    /// The server closed the connection: true (with the status) if that completes a response whose body runs until
    /// the close; false if no response was under way. A close in the middle of any other response is an error.
    /// </summary>
    public bool TryTakeAtClose(out int statusCode)
    {
        statusCode = status;
        if (state == State.UntilClose)
        {
            state = State.Head;
            return true;
        }

        if (state == State.Head && start == end)
        {
            return false;
        }

        throw new IOException("connection closed by server in the middle of a response");
    }

    // Parses a response head; false when the response has no body to wait for.
    private bool BeginBody(ReadOnlySpan<byte> head)
    {
        var (code, http10, contentLength, chunked, close, keepAliveHeader) = ParseHead(head);
        status = code;
        if (code is >= 100 and < 200)
        {
            return true; // interim response (100 Continue): the real one follows, still in State.Head
        }

        keepAlive = http10 ? keepAliveHeader : !close;
        if (code is 204 or 304)
        {
            return false; // never a body, whatever the headers say (RFC 9110 §6.4.1)
        }

        if (chunked)
        {
            state = State.ChunkSize;
        }
        else if (contentLength > 0)
        {
            remaining = contentLength;
            state = State.Body;
        }
        else if (contentLength < 0)
        {
            keepAlive = false; // no length: the body runs until the server closes
            state = State.UntilClose;
        }
        else
        {
            return false;
        }

        return true;
    }

    private bool Done(out int statusCode, out bool reusable)
    {
        statusCode = status;
        reusable = keepAlive;
        state = State.Head;
        return true;
    }

    // Consumes unread bytes up to and including `delimiter`; `line` is what came before it (valid until the next receive).
    private bool TryLine(ReadOnlySpan<byte> delimiter, out ReadOnlySpan<byte> line)
    {
        var at = buffer.AsSpan(start + scanned, end - start - scanned).IndexOf(delimiter);
        if (at < 0)
        {
            scanned = Math.Max(0, end - start - delimiter.Length + 1); // a receive can split a delimiter
            line = default;
            return false;
        }

        line = buffer.AsSpan(start, scanned + at);
        start += scanned + at + delimiter.Length;
        scanned = 0;
        return true;
    }

    // Skips body bytes as they arrive; true once `remaining` reaches zero.
    private bool Skip()
    {
        var take = (int)Math.Min(remaining, end - start);
        start += take;
        remaining -= take;
        return remaining == 0;
    }

    private static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        var size = (line.IndexOf((byte)';') is var semicolon and >= 0 ? line[..semicolon] : line).Trim(" \t"u8);
        return long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var length) && length >= 0
            ? length
            : throw new InvalidDataException("bad chunk size");
    }

    private static (int Status, bool Http10, long ContentLength, bool Chunked, bool Close, bool KeepAlive) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || head[8] != (byte)' '
            || !int.TryParse(head.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new InvalidDataException($"bad status line: {Encoding.ASCII.GetString(head[..Math.Min(head.Length, 40)])}");
        }

        var http10 = head[7] == (byte)'0';
        long contentLength = -1;
        bool chunked = false, close = false, keepAlive = false;
        var rest = head[(head.IndexOf("\r\n"u8) is var eol and >= 0 ? eol + 2 : head.Length)..];
        while (!rest.IsEmpty)
        {
            var lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd >= 0 ? rest[..lineEnd] : rest;
            rest = lineEnd >= 0 ? rest[(lineEnd + 2)..] : default;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength))
                {
                    throw new InvalidDataException("bad Content-Length");
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // chunked is the last coding when present (RFC 9112 §6.1); it wins over any Content-Length
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close |= Ascii.EqualsIgnoreCase(value, "close"u8);
                keepAlive |= Ascii.EqualsIgnoreCase(value, "keep-alive"u8);
            }
        }

        return (status, http10, contentLength, chunked, close, keepAlive);
    }
}
