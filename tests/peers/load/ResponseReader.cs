using System.Globalization;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// Reads HTTP/1.1 responses from a blocking socket: status line, headers up to CRLFCRLF, then a Content-Length or
/// chunked body (Kestrel chunks when a handler writes without a length). Bytes past the end of one response stay
/// buffered for the next, so partial reads and several responses in one read are both fine. Bodies are skipped,
/// never copied: the load client only needs to know when a response is complete and whether it was a 2xx.
/// </summary>
internal sealed class ResponseReader(Socket socket)
{
    private readonly byte[] buffer = new byte[64 * 1024]; // a header block or chunk-size line must fit
    private int start; // unread bytes are buffer[start..end)
    private int end;

    /// <summary>Whether the connection may carry another request after the last response.</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>Reads one whole response and returns its status code.</summary>
    public int ReadResponse()
    {
        while (true)
        {
            var head = ReadUntil("\r\n\r\n"u8);
            var (status, http10, contentLength, chunked, close, keepAlive) = ParseHead(buffer.AsSpan(head.Start, head.Length));
            if (status is >= 100 and < 200)
            {
                continue; // interim response (100 Continue): the real one follows
            }

            KeepAlive = http10 ? keepAlive : !close;
            if (chunked)
            {
                SkipChunkedBody();
            }
            else if (contentLength >= 0)
            {
                Skip(contentLength);
            }
            else if (status is not (204 or 304))
            {
                SkipToClose(); // no length: the body runs until the server closes
                KeepAlive = false;
            }

            return status;
        }
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

    // chunk = size-in-hex [;ext] CRLF data CRLF, until a 0-size chunk, optional trailer lines, CRLF.
    private void SkipChunkedBody()
    {
        while (true)
        {
            var line = ReadUntil("\r\n"u8);
            var size = buffer.AsSpan(line.Start, line.Length);
            size = (size.IndexOf((byte)';') is var semicolon and >= 0 ? size[..semicolon] : size).Trim(" \t"u8);
            if (!long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var length) || length < 0)
            {
                throw new InvalidDataException("bad chunk size");
            }

            if (length == 0)
            {
                while (ReadUntil("\r\n"u8).Length > 0)
                {
                    // trailer field: ignored
                }

                return;
            }

            Skip(length);
            if (ReadUntil("\r\n"u8).Length != 0)
            {
                throw new InvalidDataException("chunk data longer than its size");
            }
        }
    }

    // Consumes buffered bytes up to and including `delimiter`; returns where the bytes before it are in `buffer`
    // (valid until the next read).
    private (int Start, int Length) ReadUntil(ReadOnlySpan<byte> delimiter)
    {
        var searched = 0; // bytes already known not to start a delimiter (a read can split one)
        while (true)
        {
            var at = buffer.AsSpan(start + searched, end - start - searched).IndexOf(delimiter);
            if (at >= 0)
            {
                var found = (start, searched + at);
                start += searched + at + delimiter.Length;
                return found;
            }

            // Offsets are relative to `start`, so they survive Fill moving the unread bytes to the front.
            searched = Math.Max(0, end - start - delimiter.Length + 1);
            Fill();
        }
    }

    private void Skip(long count)
    {
        while (count > 0)
        {
            if (start == end)
            {
                Fill();
            }

            var take = (int)Math.Min(count, end - start);
            start += take;
            count -= take;
        }
    }

    private void SkipToClose()
    {
        start = end = 0;
        while (socket.Receive(buffer) > 0)
        {
        }
    }

    // Receives more bytes after the unread ones; a close before a response is complete is an error.
    private void Fill()
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

        var received = socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
        if (received == 0)
        {
            throw new IOException("connection closed by server");
        }

        end += received;
    }
}
