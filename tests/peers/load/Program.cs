// Open-loop fixed-rate load: request i is *scheduled* at start + i/rate whether or not earlier ones finished, and
// its latency is measured from that scheduled time (so a stalled server cannot hide its queueing delay: no
// coordinated omission, the reason wrk2 exists). Plain wrk has no -R, hence this client.
//
// usage: dotnet run -c Release --project tests/peers/load -- --url URL --body FILE --rate RPS --duration SECONDS
//        [--connections 32] [--warmup 3] [--header "name: value"]
// prints one JSON line: {"url","rate","achievedRate","requests","errors","p50Ms","p90Ms","p99Ms","p999Ms","maxMs"}
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

var options = Args.Parse(args);
var body = File.ReadAllBytes(options.BodyFile);
using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    UseProxy = false,
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

await RunAsync(options.Warmup, record: false);
var result = await RunAsync(options.Duration, record: true);
Console.WriteLine(JsonSerializer.Serialize(result));

async Task<Result> RunAsync(double seconds, bool record)
{
    var total = (int)Math.Round(seconds * options.Rate);
    var latencies = new double[total];
    var errors = 0;
    var tasks = new List<Task>(total);
    var clock = Stopwatch.StartNew();
    var ticksPerRequest = Stopwatch.Frequency / options.Rate;
    for (var i = 0; i < total; i++)
    {
        var scheduled = (long)(i * ticksPerRequest);
        while (scheduled > clock.ElapsedTicks)
        {
            // Sleep in ~1 ms steps, then send everything that is due: a spinning scheduler would take a whole core from
            // the server on a small machine. Lateness of a send counts in its latency (measured from `scheduled`).
            await Task.Delay(1);
        }

        var index = i;
        tasks.Add(Task.Run(async () =>
        {
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = content };
                foreach (var (name, value) in options.Headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
            catch (TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }

            latencies[index] = (clock.ElapsedTicks - scheduled) * 1000.0 / Stopwatch.Frequency;
        }));
    }

    await Task.WhenAll(tasks);
    var elapsed = clock.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    double P(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
    return new Result(options.Url.ToString(), options.Rate, Math.Round(total / elapsed, 1), total, errors,
        Math.Round(P(0.50), 3), Math.Round(P(0.90), 3), Math.Round(P(0.99), 3), Math.Round(P(0.999), 3), Math.Round(latencies.Length > 0 ? latencies[^1] : double.NaN, 3));
}

/// <summary>One run's figures (latencies in milliseconds from the scheduled send time).</summary>
internal sealed record Result(string Url, double Rate, double AchievedRate, int Requests, int Errors, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);

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
