using Shipyard.Models.Internals;

namespace Shipyard.Models;

public sealed partial class ModelRegistry
{
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// During the initial load, waits until no version of <paramref name="name"/> is still loading (or the load is over),
    /// at most <paramref name="timeout"/>; afterwards it returns at once. A scale-out instance's first requests then wait
    /// for their model instead of failing with 503. When the wait runs out, the caller's <see cref="Acquire"/> answers as
    /// before (503 while loading).
    /// </summary>
    public ValueTask WaitWhileLoadingAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _ready || timeout <= TimeSpan.Zero || !IsLoading(name) ? ValueTask.CompletedTask : WaitAsync(name, timeout, cancellationToken);
    }

    private async ValueTask WaitAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                // Read the signal before the state: a publication between the two completes the task we hold.
                var published = Volatile.Read(ref _published).Task;
                if (_ready || !IsLoading(name))
                {
                    return;
                }

                await published.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Waited long enough: Acquire reports the model as still loading.
        }
    }

    /// <summary>True while <paramref name="name"/> has a loading version, or is not known yet during the initial load.</summary>
    private bool IsLoading(string name) =>
        !_models.TryGetValue(name, out var model) || model.Versions.Values.Any(v => v.State == ModelVersionState.Loading);

    /// <summary>Wakes the waiters after <c>_models</c> or <c>_ready</c> changed during the initial load.</summary>
    private void SignalPublished() =>
        Interlocked.Exchange(ref _published, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
