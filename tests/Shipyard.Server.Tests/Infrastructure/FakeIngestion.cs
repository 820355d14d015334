using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>
/// A loopback Application Insights ingestion endpoint: the real Azure Monitor exporter of the app under test posts its
/// envelopes here (and Live Metrics its pings), exactly as it would to Azure. It keeps every (gunzipped) body, so a test
/// reads what the app really sent: the envelopes Application Insights turns into <c>customEvents</c>,
/// <c>customMetrics</c>, <c>requests</c>, <c>dependencies</c>, <c>traces</c> and <c>exceptions</c>.
/// </summary>
public sealed class FakeIngestion : IDisposable
{
    /// <summary>The instrumentation key of <see cref="ConnectionString"/>.</summary>
    public const string InstrumentationKey = "11111111-2222-3333-4444-555555555555";

    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly Task _loop;

    /// <summary>Starts listening on a free loopback port.</summary>
    public FakeIngestion()
    {
        var port = AppProcess.FreePort();
        Address = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Address);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The endpoint's base address.</summary>
    public string Address { get; }

    /// <summary>A connection string that sends telemetry and Live Metrics here (and nowhere else).</summary>
    public string ConnectionString => $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={Address};LiveEndpoint={Address}";

    /// <summary>Every body received so far, one string each.</summary>
    public string AllText => string.Join('\n', _bodies);

    /// <summary>The telemetry envelopes received so far (Live Metrics pings and anything not an envelope left out).</summary>
    public IReadOnlyList<JsonElement> Envelopes()
    {
        var envelopes = new List<JsonElement>();
        foreach (var line in _bodies.SelectMany(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("data", out var data)
                    && data.TryGetProperty("baseType", out _))
                {
                    envelopes.Add(document.RootElement.Clone());
                }
            }
            catch (JsonException)
            {
            }
        }

        return envelopes;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the envelopes received; throws with all received on timeout.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(Func<IReadOnlyList<JsonElement>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var envelopes = Envelopes();
            if (condition(envelopes))
            {
                return envelopes;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Telemetry not received; got: " + AllText);
    }

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
                _bodies.Enqueue(Encoding.UTF8.GetString(buffer.ToArray()));
            }

            var reply = Encoding.UTF8.GetBytes("{\"itemsReceived\":1,\"itemsAccepted\":1,\"errors\":[]}");
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }
    }
}
