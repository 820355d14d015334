using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shipyard.Http.Errors;
using Shipyard.Http.Hosting;

namespace Shipyard.Http.Bodies;

/// <summary>
/// Reads a JSON request body under the limits of <see cref="HttpServerOptions"/>: 415 when the body is declared as
/// something other than JSON, 413 when it is too large, 400 naming the position when it is malformed, too deep,
/// or contains NaN/Infinity (not JSON). A singleton.
/// </summary>
public sealed class JsonRequestReader
{
    private readonly IOptionsMonitor<HttpServerOptions> _options;

    /// <summary>Creates the reader (DI).</summary>
    public JsonRequestReader(IOptionsMonitor<HttpServerOptions> options)
    {
        _options = options;
    }

    /// <summary>The current limits.</summary>
    public HttpServerOptions Options => _options.CurrentValue;

    /// <summary>Parses the body of <paramref name="request"/>; the caller disposes the document.</summary>
    /// <exception cref="RequestRejectedException">415, 413 or 400 as described on the type.</exception>
    public async Task<JsonDocument> ReadAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        using var body = await BufferAsync(request, cancellationToken).ConfigureAwait(false);
        return Parse(new ReadOnlySequence<byte>(body.Data.ToArray())); // a copy: the document outlives the server's buffers
    }

    /// <summary>
    /// Reads the whole body of <paramref name="request"/> into the server's own buffers, without copying or parsing it,
    /// under the same rules; disposing the result releases the buffers. Predict reads it in place; the rest copy it out.
    /// </summary>
    /// <exception cref="RequestRejectedException">415 or 413 as described on the type (malformed JSON is found by whoever parses it).</exception>
    public async Task<BufferedBody> BufferAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var limit = CheckDeclared(request).MaxRequestBodyBytes;
        var reader = request.BodyReader;
        CancellationTokenRegistration cancellation = default;
        try
        {
            while (true)
            {
                // Usually the whole body is already there. Otherwise wait, and let cancellation end the wait through
                // CancelPendingRead: a read cancelled by its token would leave the reader mid-read, and the server could
                // not drain the rest of the body afterwards.
                if (!reader.TryRead(out var result))
                {
                    if (cancellation == default)
                    {
                        cancellation = cancellationToken.UnsafeRegister(static state => ((PipeReader)state!).CancelPendingRead(), reader);
                    }

                    result = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                }

                var buffer = result.Buffer;
                if (buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.End);
                    throw new RequestTooLargeException(limit).ToRejection();
                }

                if (result.IsCompleted)
                {
                    return new BufferedBody(reader, WithoutByteOrderMark(buffer));
                }

                reader.AdvanceTo(buffer.Start, buffer.End); // keep it all, wait for more
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await cancellation.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A body saved by an editor may begin with UTF-8's byte order mark. The stream parser skipped it, the parsers of
    // buffers do not: drop it here so such a body means what it always meant. (The server still gets its buffers back
    // up to the body's end.)
    private static ReadOnlySequence<byte> WithoutByteOrderMark(ReadOnlySequence<byte> body)
    {
        if (body.Length < 3)
        {
            return body;
        }

        Span<byte> start = stackalloc byte[3];
        body.Slice(0, 3).CopyTo(start);
        return start.SequenceEqual((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? body.Slice(3) : body;
    }

    /// <summary>Parses a body read by <see cref="BufferAsync"/>; the document refers to its buffers, so dispose it first.</summary>
    /// <exception cref="RequestRejectedException">400 naming the position when the body is malformed or too deep.</exception>
    public JsonDocument Parse(ReadOnlySequence<byte> body)
    {
        var maxDepth = Options.MaxJsonDepth;
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException e)
        {
            throw Malformed(e, maxDepth);
        }
    }

    // What every body must pass before it is read: a JSON content type, a declared length within the limit and not zero.
    private HttpServerOptions CheckDeclared(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = _options.CurrentValue;
        EnsureJsonContentType(request);
        var limit = options.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            throw new RequestTooLargeException(limit).ToRejection();
        }

        if (request.ContentLength == 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "Malformed JSON.", ["body: the request body is empty; expected a JSON object."]);
        }

        return options;
    }

    /// <summary>415 unless the declared content type is JSON (application/json or any +json); a missing type is read as JSON.</summary>
    private static void EnsureJsonContentType(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType) || contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || request.HasJsonContentType())
        {
            return;
        }

        throw new RequestRejectedException(
            StatusCodes.Status415UnsupportedMediaType,
            "Unsupported media type.",
            [$"Content-Type: '{contentType}' is not supported; send application/json."]);
    }

    private static RequestRejectedException Malformed(JsonException e, int maxDepth) =>
        new(StatusCodes.Status400BadRequest, "Malformed JSON.", [$"body: {Describe(e, maxDepth)}"]);

    private static string Describe(JsonException e, int maxDepth)
    {
        var message = e.Message;
        if (message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase))
        {
            return $"the JSON is nested deeper than {maxDepth} levels (Shipyard:Http:MaxJsonDepth).";
        }

        // System.Text.Json reports 'N' of NaN / 'I' of Infinity as an invalid start of a value; say what it is.
        return message.Contains("'N'", StringComparison.Ordinal) || message.Contains("'I'", StringComparison.Ordinal)
            ? message + " (JSON has no NaN or Infinity; numbers must be finite.)"
            : message;
    }
}
