// Open-loop fixed-rate load: request i is *scheduled* at start + i/rate whether or not earlier ones finished, and
// its latency is measured from that scheduled time to the end of its response (so a stalled server cannot hide its
// queueing delay: no coordinated omission, the reason wrk2 exists). Plain wrk has no -R, hence this client.
//
// It shares a 2-core machine with the server it measures, so it is deliberately lean: raw non-blocking keep-alive
// sockets, one pre-formatted request, and one thread that sends what is due and reads what has arrived, sleeping in
// epoll with a nanosecond timeout until the next send or response (no spinning, no per-request tasks or
// allocations, no thread per connection to wake). Linux only. Its own CPU time per request is printed so a figure can
// be checked against what the client took from the server.
//
// usage: dotnet run -c Release --project tests/peers/load -- --url URL --body FILE --rate RPS --duration SECONDS
//        [--connections 32] [--warmup 3] [--header "name: value"]...
// prints one JSON line: {"Url","Rate","AchievedRate","Requests","Errors","P50Ms","P90Ms","P99Ms","P999Ms","MaxMs",
//        "ClientCpuMsPerRequest","SendLagP99Ms"}
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

var options = Args.Parse(args);
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("the load client waits with Linux's epoll: run it on Linux");
    return 2;
}

if (options.Url.Scheme != Uri.UriSchemeHttp)
{
    Console.Error.WriteLine("only http:// URLs are supported");
    return 2;
}

var request = FormatRequest(options.Url, options.Headers, File.ReadAllBytes(options.BodyFile));
var endPoint = Resolve(options.Url);
using var epoll = new Epoll(options.Connections);
Connection[] connections;
try
{
    connections = [.. Enumerable.Range(0, options.Connections).Select(slot => new Connection(slot, options.Connections, endPoint, request, epoll))];
}
catch (SocketException e)
{
    Console.Error.WriteLine($"cannot connect to {endPoint}: {e.Message}");
    return 1;
}

Epoll.TightenTimerSlack();
Run(options.Warmup);
var recorded = Run(options.Duration);
var cpuMs = recorded.CpuTime.TotalMilliseconds;
var result = new Result(
    options.Url.ToString(), options.Rate, Math.Round(recorded.Total / recorded.Elapsed.TotalSeconds, 1), recorded.Total, recorded.Errors,
    recorded.LatencyMs(0.50), recorded.LatencyMs(0.90), recorded.LatencyMs(0.99), recorded.LatencyMs(0.999), recorded.LatencyMs(1.0),
    Math.Round(recorded.Total == 0 ? double.NaN : cpuMs / recorded.Total, 4), recorded.SendLagMs(0.99));
Console.WriteLine(JsonSerializer.Serialize(result));
if (recorded.Errors > 0)
{
    Console.Error.WriteLine($"{recorded.Errors} errors, first: {recorded.FirstError}");
}

return 0;

// Sends `seconds` worth of requests at the fixed rate and reads responses until every one is over (answered or failed).
Phase Run(double seconds)
{
    var phase = new Phase((int)Math.Round(seconds * options.Rate), Stopwatch.Frequency / options.Rate);
    foreach (var connection in connections)
    {
        connection.Begin(phase);
    }

    var tickEvery = Stopwatch.Frequency / 10; // timeouts and reconnects
    var nanosecondsPerTick = 1e9 / Stopwatch.Frequency;
    var cpuBefore = Environment.CpuUsage.TotalTime;
    phase.Start = Stopwatch.GetTimestamp();
    var lastTick = phase.Start;
    var next = 0;
    while (!phase.Done)
    {
        // Everything due goes out now. If the thread woke late (or was busy reading), the lateness counts in those
        // latencies since they are measured from the schedule; SendLag shows how much was ours.
        var now = Stopwatch.GetTimestamp();
        for (; next < phase.Total && phase.Scheduled(next) is var due && due <= now; next++)
        {
            phase.SendLag[next] = now - due;
            connections[next % connections.Length].Submit();
        }

        if (now - lastTick >= tickEvery)
        {
            foreach (var connection in connections)
            {
                connection.Tick(now);
            }

            lastTick = now;
        }

        var wait = Math.Min(tickEvery, next < phase.Total ? phase.Scheduled(next) - Stopwatch.GetTimestamp() : tickEvery);
        var ready = epoll.Wait(Math.Max(0, (long)(wait * nanosecondsPerTick)));
        for (var i = 0; i < ready; i++)
        {
            var (slot, events) = epoll.Ready(i);
            connections[slot].OnReady(events);
        }
    }

    phase.Elapsed = Stopwatch.GetElapsedTime(phase.Start);
    phase.CpuTime = Environment.CpuUsage.TotalTime - cpuBefore;
    return phase;
}

// POST with keep-alive (HTTP/1.1 default); a --header of the same name replaces Host or Content-Type.
static byte[] FormatRequest(Uri url, IReadOnlyList<(string Name, string Value)> extra, byte[] body)
{
    var headers = new List<(string Name, string Value)> { ("Host", url.Authority), ("Content-Type", "application/json") };
    foreach (var header in extra)
    {
        headers.RemoveAll(h => string.Equals(h.Name, header.Name, StringComparison.OrdinalIgnoreCase));
        headers.Add(header);
    }

    var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"POST {url.PathAndQuery} HTTP/1.1\r\n");
    foreach (var (name, value) in headers.Where(h => !string.Equals(h.Name, "Content-Length", StringComparison.OrdinalIgnoreCase)))
    {
        head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
    }

    head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n");
    return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
}

static IPEndPoint Resolve(Uri url)
{
    // Prefer IPv4 so "localhost" means the same loopback address that the servers in the benchmarks listen on.
    var addresses = IPAddress.TryParse(url.IdnHost, out var literal) ? [literal] : Dns.GetHostAddresses(url.IdnHost);
    var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
    return new IPEndPoint(address, url.Port);
}

/// <summary>One run's figures (latencies in milliseconds from the scheduled send time).</summary>
/// <param name="ClientCpuMsPerRequest">This process's CPU time (all threads) during the recorded run per request.</param>
/// <param name="SendLagP99Ms">99th percentile of how late the scheduler handed a request to its connection.</param>
internal sealed record Result(
    string Url, double Rate, double AchievedRate, int Requests, int Errors,
    double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs,
    double ClientCpuMsPerRequest, double SendLagP99Ms);

/// <summary>
/// One warm-up or recorded run: the schedule, and each request's outcome.
/// </summary>
internal sealed class Phase
{
    private readonly double ticksPerRequest;
    private readonly double[] latencyMs;
    private int remaining;

    public Phase(int total, double ticksPerRequest)
    {
        Total = total;
        this.ticksPerRequest = ticksPerRequest;
        latencyMs = new double[total];
        SendLag = new long[total];
        remaining = total;
    }

    public int Total { get; }

    public long Start { get; set; }

    public long[] SendLag { get; }

    public TimeSpan Elapsed { get; set; }

    public TimeSpan CpuTime { get; set; }

    public int Errors { get; private set; }

    public bool Done => remaining == 0;

    public string? FirstError { get; private set; }

    public long Scheduled(int index) => Start + (long)(index * ticksPerRequest);

    /// <summary>Request <paramref name="index"/> is over now: fully answered, or failed (its latency still counts).</summary>
    public void Finish(int index, string? error)
    {
        latencyMs[index] = Stopwatch.GetElapsedTime(Scheduled(index)).TotalMilliseconds;
        if (error is not null && ++Errors == 1)
        {
            FirstError = error;
        }

        remaining--;
    }

    public double LatencyMs(double quantile) => Percentile(latencyMs, quantile);

    public double SendLagMs(double quantile) => Percentile([.. SendLag.Select(t => t * 1000.0 / Stopwatch.Frequency)], quantile);

    private static double Percentile(double[] values, double quantile)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)], 3);
    }
}

/// <summary>Command-line options.</summary>
internal sealed record Args(Uri Url, string BodyFile, double Rate, double Duration, int Connections, double Warmup, IReadOnlyList<(string Name, string Value)> Headers)
{
    public static Args Parse(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var headers = new List<(string, string)>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--header" && args[i + 1].IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                headers.Add((args[i + 1][..colon].Trim(), args[i + 1][(colon + 1)..].Trim()));
            }
        }

        var url = Get("url") ?? throw new ArgumentException("--url is required");
        var bodyFile = Get("body") ?? throw new ArgumentException("--body is required");
        return new Args(
            new Uri(url),
            bodyFile,
            double.Parse(Get("rate") ?? throw new ArgumentException("--rate is required"), CultureInfo.InvariantCulture),
            double.Parse(Get("duration") ?? "10", CultureInfo.InvariantCulture),
            int.Parse(Get("connections") ?? "32", CultureInfo.InvariantCulture),
            double.Parse(Get("warmup") ?? "3", CultureInfo.InvariantCulture),
            headers);
    }
}
