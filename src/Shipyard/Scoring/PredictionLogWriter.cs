using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Scoring.Internals;
using Shipyard.Storage;
using Shipyard.Telemetry;

namespace Shipyard.Scoring;

/// <summary>
/// Writes a sample of predictions (inputs + outputs) to the <c>prediction-logs</c> container, the input of drift
/// monitoring. Records are buffered in memory per model/version/hour and written as one JSON Lines blob per flush,
/// <c>{model}/{version}/{yyyy}/{MM}/{dd}/{HH}/{yyyyMMddTHHmmssfff}-{instance}-{seq}.jsonl</c>, when a partition holds
/// <c>PredictionLog:FlushRecords</c> records, every <c>PredictionLog:FlushInterval</c>, on <see cref="FlushAsync"/> and on
/// dispose. At most <c>PredictionLog:MaxRowsPerSecond</c> rows per version and second are logged, so a busy server's
/// log costs stay bounded. Logging never blocks or fails a request: when <c>PredictionLog:Capacity</c> records are waiting, new
/// ones are dropped and counted (<see cref="Dropped"/>, telemetry event <c>PredictionLogDropped</c>). Thread-safe singleton.
/// </summary>
/// <remarks>Line format (team contract): <c>{"time":"2026-11-22T10:00:00.123Z","model":"…","version":"…","source":"http","arm":"production","predictionId":"…",
/// "inputs":{"mean_radius":17.99,…},"prediction":{"label":"…","probabilities":{…}}}</c> or <c>"prediction":{"value":151.2}</c>.
/// Missing optional inputs are written as null; ignored unknown fields are not written.</remarks>
public sealed partial class PredictionLogWriter : IAsyncDisposable
{
    /// <summary>The container prediction logs are written to.</summary>
    public const string Container = "prediction-logs";

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>Each manifest's feature names, encoded once instead of on every logged row.</summary>
    private static readonly ConditionalWeakTable<ModelManifest, JsonEncodedText[]> FeatureNames = [];

    private readonly IBlobStore _store;
    private readonly ShipyardOptions _options;
    private readonly IShipyardTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<PartitionKey, List<LogEntry>> _pending = [];
    private readonly Dictionary<(string Model, string Version), RowsThisSecond> _rates = [];
    private readonly HashSet<Task> _writes = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _instance;
    private Task? _timerLoop;
    private long _buffered;
    private long _dropped;
    private long _overRate;
    private long _written;
    private long _sequence;
    private bool _containerReady;
    private int _disposed;

    /// <summary>Creates the writer; its flush timer starts with the first record.</summary>
    public PredictionLogWriter(IBlobStore store, IOptions<ShipyardOptions> options, IShipyardTelemetry? telemetry = null, ILogger<PredictionLogWriter>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value;
        _telemetry = telemetry ?? NullShipyardTelemetry.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _instance = InstanceId();
    }

    /// <summary>Records dropped because the buffer was full or a write failed after retries.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Rows not logged because their version had reached <c>PredictionLog:MaxRowsPerSecond</c>.</summary>
    public long OverRate => Interlocked.Read(ref _overRate);

    /// <summary>
    /// Logs every row of one scored request, or none of them (the sample decision is per request, with probability
    /// <c>Shipyard:PredictionLogSampleRate</c>, within <c>PredictionLog:MaxRowsPerSecond</c>). Never blocks on I/O.
    /// </summary>
    /// <returns>True when the rows were buffered; false when not sampled, over the rate cap, dropped, or the writer is disposed.</returns>
    public bool TryLog(PredictionSource source, PredictionArm arm, FeatureBatch batch, IReadOnlyList<Prediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(predictions);
        var rate = _options.PredictionLogSampleRate;
        if (rate <= 0 || (rate < 1 && Random.Shared.NextDouble() >= rate) || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        var rows = Math.Min(batch.Count, predictions.Count);
        var now = _time.GetUtcNow();
        var key = new PartitionKey(batch.Manifest.Name, batch.Manifest.Version, now.Ticks / TimeSpan.TicksPerHour);
        List<LogEntry>? full = null;
        lock (_lock)
        {
            if (!WithinRate(key, now, rows))
            {
                Interlocked.Add(ref _overRate, rows);
                return false;
            }

            if (Interlocked.Add(ref _buffered, rows) > _options.PredictionLog.Capacity)
            {
                Interlocked.Add(ref _buffered, -rows);
                Drop(rows, "buffer full");
                return false;
            }

            if (!_pending.TryGetValue(key, out var list))
            {
                _pending[key] = list = [];
            }

            for (var r = 0; r < rows; r++)
            {
                list.Add(new LogEntry(now, source, arm, batch, r, predictions[r]));
            }

            if (list.Count >= _options.PredictionLog.FlushRecords)
            {
                _pending.Remove(key);
                full = list;
            }

            _timerLoop ??= Task.Run(TimerLoopAsync);
        }

        if (full is not null)
        {
            StartWrite(key, full);
        }

        return true;
    }

    /// <summary>Counts <paramref name="rows"/> against the version's rows of this second; false when over the cap. Under <c>_lock</c>.</summary>
    private bool WithinRate(PartitionKey key, DateTimeOffset now, int rows)
    {
        var cap = _options.PredictionLog.MaxRowsPerSecond;
        if (cap <= 0)
        {
            return true;
        }

        var second = now.Ticks / TimeSpan.TicksPerSecond;
        if (!_rates.TryGetValue((key.Model, key.Version), out var window))
        {
            _rates[(key.Model, key.Version)] = window = new RowsThisSecond();
        }

        if (window.Second != second)
        {
            window.Second = second;
            window.Rows = 0;
        }

        if (window.Rows > 0 && window.Rows + rows > cap)
        {
            return false;
        }

        window.Rows += rows;
        return true;
    }

    /// <summary>Writes everything buffered now and waits for every write in flight.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        List<KeyValuePair<PartitionKey, List<LogEntry>>> all;
        lock (_lock)
        {
            all = [.. _pending];
            _pending.Clear();
        }

        foreach (var (key, entries) in all)
        {
            StartWrite(key, entries);
        }

        Task[] writes;
        lock (_lock)
        {
            writes = [.. _writes];
        }

        await Task.WhenAll(writes).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the timer and flushes what is buffered.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_timerLoop is not null)
        {
            await _timerLoop.ConfigureAwait(false);
        }

        await FlushAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task TimerLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.PredictionLog.FlushInterval > TimeSpan.Zero ? _options.PredictionLog.FlushInterval : TimeSpan.FromSeconds(10), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await FlushAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private void StartWrite(PartitionKey key, List<LogEntry> entries)
    {
        var task = WriteAsync(key, entries);
        lock (_lock)
        {
            _writes.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_lock)
                {
                    _writes.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task WriteAsync(PartitionKey key, List<LogEntry> entries)
    {
        await Task.Yield();
        var first = entries[0].Time.UtcDateTime;
        var sequence = Interlocked.Increment(ref _sequence);
        var name = string.Create(CultureInfo.InvariantCulture, $"{key.Model}/{key.Version}/{first:yyyy}/{first:MM}/{first:dd}/{first:HH}/{first:yyyyMMdd'T'HHmmssfff}-{_instance}-{sequence:D6}.jsonl");
        var content = Serialize(entries);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (!_containerReady)
                    {
                        await _store.CreateContainerIfNotExistsAsync(Container).ConfigureAwait(false);
                        _containerReady = true;
                    }

                    await _store.UploadAsync(Container, name, content, new BlobUploadOptions { ContentType = "application/x-ndjson" }).ConfigureAwait(false);
                    Interlocked.Add(ref _written, entries.Count);
                    return;
                }
                catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException)
                {
                    _containerReady = false;
                    ScoringLog.WriteRetry(_logger, ex, name, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            ScoringLog.WriteFailed(_logger, ex, name, entries.Count);
            Drop(entries.Count, "write failed");
        }
        finally
        {
            Interlocked.Add(ref _buffered, -entries.Count);
        }
    }

    private static ReadOnlyMemory<byte> Serialize(List<LogEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(entries.Count * 256);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        foreach (var e in entries)
        {
            writer.Reset(buffer);
            WriteLine(writer, e);
            writer.Flush();
            buffer.Write("\n"u8);
        }

        return buffer.WrittenMemory;
    }

    private static void WriteLine(Utf8JsonWriter w, LogEntry e)
    {
        var manifest = e.Batch.Manifest;
        var names = FeatureNames.GetValue(manifest, static m => [.. m.Features.Select(f => JsonEncodedText.Encode(f.Name))]);
        Span<byte> time = stackalloc byte[32];
        e.Time.UtcDateTime.TryFormat(time, out var timeLength, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        w.WriteStartObject();
        w.WriteString(JsonNames.Time, time[..timeLength]);
        w.WriteString(JsonNames.Model, manifest.Name);
        w.WriteString(JsonNames.Version, manifest.Version);
        w.WriteString(JsonNames.Source, SourceName(e.Source));
        w.WriteString(JsonNames.Arm, ArmName(e.Arm));
        if (e.Prediction.PredictionId is { } id)
        {
            w.WriteString(JsonNames.PredictionId, id);
        }

        w.WriteStartObject(JsonNames.Inputs);
        for (var f = 0; f < manifest.Features.Count; f++)
        {
            if (!e.Batch.IsPresent(e.Row, f))
            {
                w.WriteNull(names[f]);
                continue;
            }

            switch (manifest.Features[f].Type)
            {
                case FeatureType.Float:
                    w.WriteNumber(names[f], e.Batch.GetNumber(e.Row, f));
                    break;
                case FeatureType.Int:
                    w.WriteNumber(names[f], e.Batch.GetInteger(e.Row, f));
                    break;
                default:
                    w.WriteString(names[f], e.Batch.GetString(e.Row, f));
                    break;
            }
        }

        w.WriteEndObject();
        w.WritePropertyName(JsonNames.Prediction);
        switch (e.Prediction)
        {
            case ClassPrediction c:
                w.WriteStartObject();
                w.WriteString(JsonNames.Label, c.Label);
                w.WriteStartObject(JsonNames.Probabilities);
                foreach (var (label, p) in c.Probabilities)
                {
                    w.WriteNumber(label, p);
                }

                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case RegressionPrediction r:
                w.WriteStartObject();
                w.WriteNumber(JsonNames.Value, r.Value);
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
    }

    private static string SourceName(PredictionSource source) => source switch
    {
        PredictionSource.Batch => "batch",
        PredictionSource.Stream => "stream",
        PredictionSource.Shadow => "shadow",
        _ => "http",
    };

    /// <summary>The arm's name in a log line.</summary>
    public static string ArmName(PredictionArm arm) => arm switch
    {
        PredictionArm.Canary => "canary",
        PredictionArm.Shadow => "shadow",
        PredictionArm.Direct => "direct",
        _ => "production",
    };

    private void Drop(int rows, string reason)
    {
        var before = Interlocked.Add(ref _dropped, rows) - rows;
        // One event per 1,000 dropped records: visible in telemetry without flooding it.
        if (before / 1000 != (before + rows) / 1000 || before == 0)
        {
            ScoringLog.Dropped(_logger, rows, reason, before + rows);
            _telemetry.TrackEvent("PredictionLogDropped", new Dictionary<string, string>
            {
                ["reason"] = reason,
                ["total"] = (before + rows).ToString(CultureInfo.InvariantCulture),
            });
        }
    }

    /// <summary>A short id of this process for blob names: the Azure instance, the container replica, or host + pid.</summary>
    private static string InstanceId()
    {
        var raw = Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID") is { Length: > 0 } azure ? azure[..Math.Min(12, azure.Length)]
            : Environment.GetEnvironmentVariable("CONTAINER_APP_REPLICA_NAME") is { Length: > 0 } replica ? replica
            : $"{Environment.MachineName}-{Environment.ProcessId}";
        var chars = raw.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').Take(40).ToArray();
        return new string(chars).Trim('-') is { Length: > 0 } id ? id : "instance";
    }

    /// <summary>The fixed property names of a log line, encoded once.</summary>
    private static class JsonNames
    {
        public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
        public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
        public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
        public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
        public static readonly JsonEncodedText Arm = JsonEncodedText.Encode("arm");
        public static readonly JsonEncodedText PredictionId = JsonEncodedText.Encode("predictionId");
        public static readonly JsonEncodedText Inputs = JsonEncodedText.Encode("inputs");
        public static readonly JsonEncodedText Prediction = JsonEncodedText.Encode("prediction");
        public static readonly JsonEncodedText Label = JsonEncodedText.Encode("label");
        public static readonly JsonEncodedText Probabilities = JsonEncodedText.Encode("probabilities");
        public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    }

    /// <summary>Rows logged in one second for one version (<c>PredictionLog:MaxRowsPerSecond</c>).</summary>
    private sealed class RowsThisSecond
    {
        public long Second { get; set; }

        public int Rows { get; set; }
    }

    private readonly record struct PartitionKey(string Model, string Version, long Hour);

    private readonly record struct LogEntry(DateTimeOffset Time, PredictionSource Source, PredictionArm Arm, FeatureBatch Batch, int Row, Prediction Prediction);
}
