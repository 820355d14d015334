using System.Threading.Channels;
using Shipyard.Models;
using Shipyard.Models.Internals;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// Coalesces concurrent requests for one loaded version into one ONNX run of up to <c>MaxBatch</c> rows, waiting at
/// most <c>MaxDelay</c> after the first request for others to join (by default not at all: a run takes what queued up
/// while the previous runs were busy, so batches grow with the load by themselves). Each request gets exactly its own
/// rows back, and a run that fails is retried request by request so one request's rows cannot fail another's.
/// Lives as long as its <see cref="LoadedVersion"/> (disposed with the session, after every lease is gone, so no
/// request can be queued then).
/// </summary>
internal sealed class MicroBatcher : IDisposable
{
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly LoadedVersion _loaded;
    private readonly int _maxRows;
    private readonly TimeSpan _maxDelay;
    private readonly Action<ModelManifest, int, int>? _onBatch;

    public MicroBatcher(LoadedVersion loaded, MicroBatchingOptions options, Action<ModelManifest, int, int>? onBatch = null)
    {
        _loaded = loaded;
        _maxRows = Math.Max(1, Math.Min(options.MaxBatch, loaded.Manifest.Runtime.MaxBatch));
        _maxDelay = options.MaxDelay < TimeSpan.Zero ? TimeSpan.Zero : options.MaxDelay;
        _onBatch = onBatch;
        var workers = Math.Max(1, Environment.ProcessorCount);
        for (var i = 0; i < workers; i++)
        {
            _ = Task.Run(WorkAsync);
        }
    }

    /// <summary>Rows above which a request is run on its own rather than queued.</summary>
    public int MaxRows => _maxRows;

    public Task<RawScores> ScoreAsync(FeatureBatch batch, CancellationToken cancellationToken)
    {
        var item = new Item(batch, new TaskCompletionSource<RawScores>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(item))
        {
            return Task.FromResult(ModelScorer.Run(_loaded.Session, _loaded.Manifest, batch, cancellationToken));
        }

        return item.Done.Task.WaitAsync(cancellationToken);
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var items = new List<Item>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            items.Clear();
            var rows = 0;
            if (!reader.TryRead(out var first))
            {
                continue;
            }

            items.Add(first);
            rows += first.Batch.Count;
            var deadline = DateTime.UtcNow + _maxDelay;
            while (rows < _maxRows)
            {
                if (reader.TryPeek(out var next))
                {
                    if (rows + next.Batch.Count > _maxRows || !reader.TryRead(out next))
                    {
                        break;
                    }

                    items.Add(next);
                    rows += next.Batch.Count;
                    continue;
                }

                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                var wait = reader.WaitToReadAsync().AsTask();
                if (await Task.WhenAny(wait, Task.Delay(remaining)).ConfigureAwait(false) != wait || !await wait.ConfigureAwait(false))
                {
                    break;
                }
            }

            Run(items, rows);
        }
    }

    private void Run(List<Item> items, int rows)
    {
        if (items.Count == 1)
        {
            RunAlone(items[0]);
            return;
        }

        RawScores scores;
        try
        {
            scores = ModelScorer.Run(_loaded.Session, _loaded.Manifest, FeatureBatch.Concat(items.Select(i => i.Batch).ToArray()), CancellationToken.None);
        }
        catch (Exception)
        {
            // One request's rows must not fail the others that happened to share its run: each is retried alone.
            foreach (var item in items)
            {
                RunAlone(item);
            }

            return;
        }

        _onBatch?.Invoke(_loaded.Manifest, items.Count, rows);
        var offset = 0;
        foreach (var item in items)
        {
            item.Done.TrySetResult(scores.Slice(offset, item.Batch.Count));
            offset += item.Batch.Count;
        }
    }

    private void RunAlone(Item item)
    {
        try
        {
            item.Done.TrySetResult(ModelScorer.Run(_loaded.Session, _loaded.Manifest, item.Batch, CancellationToken.None));
        }
        catch (Exception ex)
        {
            item.Done.TrySetException(ex);
        }
    }

    private sealed record Item(FeatureBatch Batch, TaskCompletionSource<RawScores> Done);
}

