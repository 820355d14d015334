using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Shipyard.Storage;
using Shipyard.Testing;

namespace Shipyard.Benchmarks.Streaming;

/// <summary>
/// Stream scoring end to end on Azurite: a real Azurite (node_modules, as <see cref="AzuriteFixture"/>), the standalone
/// server (the Release <c>Shipyard.Server</c> build in APP_DIR, <c>AzureWebJobsStorage</c> = Azurite, so its
/// <c>StreamQueuePoller</c> → <c>StreamProcessor</c> → PredictionService path runs exactly as deployed standalone), breast-cancer v1.
/// For each instances-per-message count: (1) throughput — N messages enqueued by 8 concurrent senders while the server
/// drains them, msgs/s = N ÷ (last result seen − first send); (2) latency — an open-loop run at half that rate, each
/// message's enqueue time (just before its Put Message) to when the reader receives its result from <c>score-results</c>
/// (p50/p99). Every result is checked against samples.csv's expected label. Run from the repository root:
/// <c>dotnet Shipyard.Benchmarks.dll --stream-throughput APP_DIR [MESSAGES] [INSTANCES,…]</c>; settings for the server
/// (e.g. <c>Shipyard__Streaming__BatchSize</c>) pass through the environment.
/// </summary>
internal static class StreamBenchmark
{
    private const string Model = "breast-cancer";
    private const string Version = "1";
    private const int Senders = 8;

    public static async Task RunAsync(string appDir, int messages, int[] instanceCounts)
    {
        var samples = LoadSamples();
        await using var azurite = new AzuriteFixture();
        await azurite.StartAsync().ConfigureAwait(false);
        var connection = StorageConnection.Parse(azurite.ConnectionString);
        var queue = new AzureMessageQueue(connection);
        foreach (var name in (string[])["score-requests", "score-requests-poison", "score-results"])
        {
            await queue.CreateQueueIfNotExistsAsync(name).ConfigureAwait(false);
        }

        using var server = await StartServerAsync(appDir, azurite.ConnectionString).ConfigureAwait(false);
        try
        {
            var azuritePid = FindProcess($"--queuePort {azurite.QueuePort.ToString(CultureInfo.InvariantCulture)}");
            Cpu = () => (CpuMs(server.Id), CpuMs(azuritePid), CpuMs(Environment.ProcessId));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream benchmark: {Model} v{Version}, Azurite 127.0.0.1:{azurite.QueuePort} pid {azuritePid}, server pid {server.Id}, load {LoadAverage()}"));
            var reader = new ResultReader(queue, samples);
            using var stop = new CancellationTokenSource();
            var reading = Task.Run(() => reader.RunAsync(stop.Token));

            // Warm-up: models loaded, JIT, connections, queues created by the poller.
            await RunBurstAsync(queue, reader, samples, 300, 1, "warmup").ConfigureAwait(false);
            await RunBurstAsync(queue, reader, samples, 50, 32, "warmup32").ConfigureAwait(false);

            foreach (var instances in instanceCounts)
            {
                var burst = await RunBurstAsync(queue, reader, samples, messages, instances, $"burst{instances}").ConfigureAwait(false);
                Report($"throughput, {instances} instance(s)/msg", burst);
                var rate = Math.Max(1, burst.MessagesPerSecond / 2);
                var paced = await RunPacedAsync(queue, reader, samples, Math.Max(50, (int)(rate * 15)), rate, instances, $"paced{instances}").ConfigureAwait(false);
                Report(string.Create(CultureInfo.InvariantCulture, $"latency at {rate:F0} msg/s (half), {instances} instance(s)/msg"), paced);
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>CPU ms so far of (server, Azurite, this client) from /proc (load-independent cost per message).</summary>
    private static Func<(double Server, double Azurite, double Client)> Cpu { get; set; } = () => (0, 0, 0);

    private static void Report(string what, RunResult run) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-46} {run.Messages,5} msgs {run.MessagesPerSecond,7:F1} msg/s {run.MessagesPerSecond * run.Instances,7:F0} rows/s | enqueue {run.EnqueuePerSecond,6:F0} msg/s | latency p50 {run.P50,7:F1} p99 {run.P99,7:F1} max {run.Max,7:F1} ms | CPU ms/msg server {run.ServerCpu,5:F2} azurite {run.AzuriteCpu,5:F2} client {run.ClientCpu,5:F2} | errors {run.Errors} | load {LoadAverage()}"));

    private static double CpuMs(int pid)
    {
        // utime + stime (fields 14 and 15) in clock ticks of 10 ms (USER_HZ 100 on Linux).
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        if (pid <= 0 || !File.Exists(path))
        {
            return double.NaN;
        }

        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static int FindProcess(string commandLinePart)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(commandLinePart, StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return -1;
    }

    /// <summary>N messages as fast as 8 senders can put them; the server drains concurrently.</summary>
    private static async Task<RunResult> RunBurstAsync(AzureMessageQueue queue, ResultReader reader, Samples samples, int count, int instances, string tag)
    {
        var run = reader.Begin(tag, count, instances);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await SendAsync(queue, run, samples, i, instances).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        run.AllSent();
        return await run.WaitAsync().ConfigureAwait(false);
    }

    /// <summary>Open loop: message i is due at start + i/rate; latency still counts from its actual enqueue.</summary>
    private static async Task<RunResult> RunPacedAsync(AzureMessageQueue queue, ResultReader reader, Samples samples, int count, double rate, int instances, string tag)
    {
        var run = reader.Begin(tag, count, instances);
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due).ConfigureAwait(false);
            }

            sends.Add(SendAsync(queue, run, samples, i, instances));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        run.AllSent();
        return await run.WaitAsync().ConfigureAwait(false);
    }

    private static Task<QueueReceipt> SendAsync(AzureMessageQueue queue, Run run, Samples samples, int i, int instances)
    {
        var id = $"{run.Tag}-{i}";
        var first = i * instances % samples.Rows.Count;
        var sb = new StringBuilder($"{{\"id\":\"{id}\",\"model\":\"{Model}\",\"version\":\"{Version}\",\"instances\":[");
        for (var k = 0; k < instances; k++)
        {
            sb.Append(k > 0 ? "," : string.Empty).Append(samples.Rows[(first + k) % samples.Rows.Count]);
        }

        sb.Append("]}");
        run.Sent(id, first);
        return queue.SendAsync("score-requests", sb.ToString());
    }

    private static async Task<Process> StartServerAsync(string appDir, string connectionString)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(Path.Combine(Path.GetFullPath(appDir), "Shipyard.Server"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetFullPath(appDir),
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        var data = Path.Combine(Path.GetTempPath(), $"shipyard-stream-bench-{Guid.NewGuid():N}");
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AzureWebJobsStorage"] = connectionString,
            ["Shipyard__ModelsPath"] = RepoPaths.Models,
            ["Shipyard__DataPath"] = data,
            ["Shipyard__Auth__AllowAnonymous"] = "true",
            ["Shipyard__Batch__Watcher__Enabled"] = "false",
            ["Shipyard__Grpc__Url"] = "", // the default gRPC port is one for every server on the machine
            ["Logging__LogLevel__Default"] = "Warning",
        })
        {
            // Explicit environment wins (lets a run set e.g. the prediction log sample rate differently).
            start.Environment[key] = Environment.GetEnvironmentVariable(key) ?? value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"[server] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"[server] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"server exited with {process.ExitCode}");
            }

            try
            {
                using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/health")).ConfigureAwait(false);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("server not healthy within 3 minutes");
    }

    private static Samples LoadSamples()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Models, Model, Version, "samples.csv")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var features = header.TakeWhile(h => !h.StartsWith("expected_", StringComparison.Ordinal)).ToArray();
        var label = Array.IndexOf(header, "expected_label");
        var rows = new List<string>();
        var labels = new List<string>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            rows.Add("{" + string.Join(",", features.Select((f, i) => $"\"{f}\":{cells[i]}")) + "}");
            labels.Add(cells[label]);
        }

        return new Samples(rows, labels);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed record Samples(List<string> Rows, List<string> Labels);

    private sealed record RunResult(int Messages, int Instances, double MessagesPerSecond, double EnqueuePerSecond, double P50, double P99, double Max, int Errors, double ServerCpu, double AzuriteCpu, double ClientCpu);

    /// <summary>One measured run: enqueue times by id, result times, checks.</summary>
    private sealed class Run(string tag, int count, int instances)
    {
        private readonly ConcurrentDictionary<string, (long Sent, int FirstRow)> _sent = new();
        private readonly ConcurrentBag<double> _latencies = [];
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly (double Server, double Azurite, double Client) _cpuAtStart = Cpu();
        private long _firstSent = long.MaxValue;
        private long _lastEnqueued;
        private long _lastResult;
        private int _received;
        private int _errors;

        public string Tag { get; } = tag;

        /// <summary>Called when every message has been put.</summary>
        public void AllSent() => _lastEnqueued = Stopwatch.GetTimestamp();

        public void Sent(string id, int firstRow)
        {
            var now = Stopwatch.GetTimestamp();
            _sent[id] = (now, firstRow);
            InterlockedMin(ref _firstSent, now);
        }

        public void Received(string id, JsonElement result, long at, Samples samples)
        {
            if (!_sent.TryRemove(id, out var sent))
            {
                return;
            }

            var ok = result.TryGetProperty("predictions", out var predictions) && predictions.GetArrayLength() == instances;
            for (var k = 0; ok && k < instances; k++)
            {
                ok = predictions[k].GetProperty("label").GetString() == samples.Labels[(sent.FirstRow + k) % samples.Labels.Count];
            }

            if (!ok)
            {
                Interlocked.Increment(ref _errors);
                Console.Error.WriteLine($"unexpected result for {id}: {result.GetRawText()[..Math.Min(300, result.GetRawText().Length)]}");
            }

            _latencies.Add(Stopwatch.GetElapsedTime(sent.Sent, at).TotalMilliseconds);
            Volatile.Write(ref _lastResult, at);
            if (Interlocked.Increment(ref _received) == count)
            {
                _done.TrySetResult();
            }
        }

        public async Task<RunResult> WaitAsync()
        {
            var finished = await Task.WhenAny(_done.Task, Task.Delay(TimeSpan.FromMinutes(10))).ConfigureAwait(false);
            if (finished != _done.Task)
            {
                throw new TimeoutException($"{Tag}: {Volatile.Read(ref _received)} of {count} results after 10 minutes");
            }

            var cpu = Cpu();
            var sorted = _latencies.Order().ToArray();
            var seconds = Stopwatch.GetElapsedTime(_firstSent, _lastResult).TotalSeconds;
            var enqueueSeconds = Stopwatch.GetElapsedTime(_firstSent, _lastEnqueued).TotalSeconds;
            return new RunResult(count, instances, count / seconds, count / enqueueSeconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1], _errors,
                (cpu.Server - _cpuAtStart.Server) / count, (cpu.Azurite - _cpuAtStart.Azurite) / count, (cpu.Client - _cpuAtStart.Client) / count);
        }

        private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

        private static void InterlockedMin(ref long target, long value)
        {
            for (var current = Interlocked.Read(ref target); value < current; current = Interlocked.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, current) == current)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Receives score-results continuously (32 per call, deletes in parallel) and routes each result to its run by id prefix.</summary>
    private sealed class ResultReader(AzureMessageQueue queue, Samples samples)
    {
        private readonly ConcurrentDictionary<string, Run> _runs = new();

        public Run Begin(string tag, int count, int instances)
        {
            var run = new Run(tag, count, instances);
            _runs[tag] = run;
            return run;
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                IReadOnlyList<QueueMessage> batch;
                try
                {
                    batch = await queue.ReceiveAsync("score-results", 32, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var at = Stopwatch.GetTimestamp();
                if (batch.Count == 0)
                {
                    await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                foreach (var message in batch)
                {
                    var result = JsonDocument.Parse(message.Text).RootElement;
                    var id = result.GetProperty("id").GetString() ?? "";
                    if (_runs.TryGetValue(id[..Math.Max(0, id.LastIndexOf('-'))], out var run))
                    {
                        run.Received(id, result, at, samples);
                    }
                }

                await Task.WhenAll(batch.Select(m => queue.DeleteAsync("score-results", m.MessageId, m.PopReceipt, CancellationToken.None))).ConfigureAwait(false);
            }
        }
    }
}
