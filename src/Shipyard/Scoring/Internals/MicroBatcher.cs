using Shipyard.Models;
using Shipyard.Models.Internals;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// Coalesces concurrent requests for one loaded version into ONNX runs of up to <c>MaxBatch</c> rows, one run at a
/// time per version. A request that finds the version idle runs at once on its own thread (no queue, no thread hop:
/// an idle server answers as fast as without micro-batching); requests that arrive while a run is busy queue up and
/// the next run, on a thread-pool thread, takes them together, so batches grow with the load by themselves. With
/// <c>MaxDelay</c> above zero, a request that finds the version idle instead waits up to that long for company
/// (the run starts early once <c>MaxBatch</c> rows are queued). Each request gets exactly its own rows back, and a
/// coalesced run that fails is retried request by request so one request's rows cannot fail another's.
/// The batch callback (telemetry's batch size) hears of every run before its callers get their answers: runs of one
/// request whether they succeed or fail, shared runs when they succeed (a failed one is reported as its retries).
/// </summary>
internal sealed class MicroBatcher
{
    private readonly Lock _gate = new();
    private readonly Queue<Item> _queued = new();
    private readonly LoadedVersion _loaded;
    private readonly int _maxRows;
    private readonly TimeSpan _maxDelay;
    private readonly Action<ModelManifest, int, int>? _onBatch;
    private bool _busy; // a run is in progress or scheduled; whoever set it runs the queue until it is empty
    private int _queuedRows;
    private long _delayedRun; // id of the run a MaxDelay timer will start; 0 when none is waiting
    private long _lastDelayedRun;

    public MicroBatcher(LoadedVersion loaded, MicroBatchingOptions options, Action<ModelManifest, int, int>? onBatch = null)
    {
        _loaded = loaded;
        _maxRows = Math.Max(1, Math.Min(options.MaxBatch, loaded.Manifest.Runtime.MaxBatch));
        _maxDelay = options.MaxDelay < TimeSpan.Zero ? TimeSpan.Zero : options.MaxDelay;
        _onBatch = onBatch;
    }

    /// <summary>Requests with fewer rows are coalesced; the caller runs larger ones on their own (<c>MaxBatch</c>, within the model's runtime limit).</summary>
    public int MaxRows => _maxRows;

    public Task<RawScores> ScoreAsync(FeatureBatch batch, CancellationToken cancellationToken)
    {
        Item? item = null;
        var startNow = false;
        long delayedRun = 0;
        lock (_gate)
        {
            if (!_busy && _maxDelay == TimeSpan.Zero)
            {
                _busy = true; // idle: this thread runs its own rows, then whatever queued meanwhile
            }
            else
            {
                item = new Item(batch, new TaskCompletionSource<RawScores>(TaskCreationOptions.RunContinuationsAsynchronously));
                _queued.Enqueue(item);
                _queuedRows += batch.Count;
                if (!_busy)
                {
                    _busy = true; // idle with MaxDelay: wait for company, then run
                    _delayedRun = delayedRun = ++_lastDelayedRun;
                }
                else if (_delayedRun != 0 && _queuedRows >= _maxRows)
                {
                    _delayedRun = 0; // enough company: start the waiting run now
                    startNow = true;
                }
            }
        }

        if (item is null)
        {
            try
            {
                _onBatch?.Invoke(_loaded.Manifest, 1, batch.Count);
                return Task.FromResult(ModelScorer.Run(_loaded.Scorer, batch, cancellationToken));
            }
            finally
            {
                RunQueuedElsewhereOrIdle();
            }
        }

        if (delayedRun != 0)
        {
            _ = Task.Delay(_maxDelay, CancellationToken.None).ContinueWith((_, state) => ((MicroBatcher)state!).StartDelayedRun(delayedRun), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        else if (startNow)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static b => b.RunQueued(), this, preferLocal: false);
        }

        return item.Done.Task.WaitAsync(cancellationToken);
    }

    private void StartDelayedRun(long id)
    {
        lock (_gate)
        {
            if (_delayedRun != id)
            {
                return; // started early because the batch filled up
            }

            _delayedRun = 0;
        }

        RunQueued();
    }

    /// <summary>After an inline run: hands what queued meanwhile to a pool thread (the caller's answer is ready), or goes idle.</summary>
    private void RunQueuedElsewhereOrIdle()
    {
        lock (_gate)
        {
            if (_queued.Count == 0)
            {
                _busy = false;
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static b => b.RunQueued(), this, preferLocal: false);
    }

    /// <summary>Runs the queue in batches of up to <see cref="MaxRows"/> rows until it is empty, then goes idle.</summary>
    private void RunQueued()
    {
        var items = new List<Item>();
        while (true)
        {
            var rows = 0;
            lock (_gate)
            {
                while (_queued.TryPeek(out var next) && (items.Count == 0 || rows + next.Batch.Count <= _maxRows))
                {
                    items.Add(_queued.Dequeue());
                    rows += next.Batch.Count;
                }

                _queuedRows -= rows;
                if (items.Count == 0)
                {
                    _busy = false;
                    return;
                }
            }

            Run(items, rows);
            items.Clear();
        }
    }

    private void Run(List<Item> items, int rows)
    {
        if (items.Count == 1)
        {
            _onBatch?.Invoke(_loaded.Manifest, 1, rows);
            RunAlone(items[0]);
            return;
        }

        RawScores scores;
        try
        {
            scores = ModelScorer.Run(_loaded.Scorer, FeatureBatch.Concat(items.Select(i => i.Batch).ToArray()), CancellationToken.None);
        }
        catch (Exception)
        {
            // One request's rows must not fail the others that happened to share its run: each is retried alone
            // (and counted as a run of its own, as a request that ran alone from the start is).
            foreach (var item in items)
            {
                _onBatch?.Invoke(_loaded.Manifest, 1, item.Batch.Count);
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
            item.Done.TrySetResult(ModelScorer.Run(_loaded.Scorer, item.Batch, CancellationToken.None));
        }
        catch (Exception ex)
        {
            item.Done.TrySetException(ex);
        }
    }

    private sealed record Item(FeatureBatch Batch, TaskCompletionSource<RawScores> Done);
}
