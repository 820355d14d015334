using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace Shipyard.Testing;

/// <summary>
/// An HTTP endpoint on a free loopback port that keeps every request it receives (URL, headers, gunzipped body) and
/// answers each with what <see cref="Reply"/> says: a stand-in receiver for what the app calls out to (an ingestion
/// endpoint, a webhook, a gateway), so a test sees exactly what the app sent.
/// </summary>
public sealed class LoopbackEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Received> _requests = new();
    private readonly Task _loop;

    /// <summary>Starts listening at <c>http://127.0.0.1:{free port}{pathPrefix}</c>.</summary>
    public LoopbackEndpoint(string pathPrefix = "/")
    {
        Port = LoopbackPorts.Free();
        Address = $"http://127.0.0.1:{Port}{pathPrefix}";
        _listener.Prefixes.Add(Address);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>One request as received.</summary>
    public sealed record Received(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>The listening port.</summary>
    public int Port { get; }

    /// <summary>The prefix it answers (with a trailing slash).</summary>
    public string Address { get; }

    /// <summary>Status and JSON body for the n-th request (0-based); default 200 with <c>{}</c>.</summary>
    public Func<int, (int Status, string Body)> Reply { get; set; } = _ => (200, "{}");

    /// <summary>Every request so far, in order.</summary>
    public IReadOnlyCollection<Received> Requests => _requests;

    /// <inheritdoc />
    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        var count = 0;
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var buffer = new MemoryStream())
            {
                var input = context.Request.Headers["Content-Encoding"] == "gzip"
                    ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                    : context.Request.InputStream;
                await input.CopyToAsync(buffer);
                var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
                _requests.Enqueue(new Received(context.Request.HttpMethod, context.Request.RawUrl ?? "", headers, Encoding.UTF8.GetString(buffer.ToArray())));
            }

            var (status, body) = Reply(count++);
            var reply = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }
    }
}
